/** Shared shapes of the DNS client (RFC 2136 updates signed with TSIG, RFC 8945). */

export interface DnsServer {
  host: string;
  port: number;
}

/** A TSIG key as BIND writes it: `key "name" { algorithm hmac-sha256; secret "base64"; };` */
export interface TsigKey {
  name: string;
  algorithm: 'hmac-sha256';
  /** Base64, as in the key file. Never log it. */
  secret: string;
}

export type AddressType = 'A' | 'AAAA';

/** Record types the update builder can carry (rdata given in presentation form). */
export type RrType = 'A' | 'AAAA' | 'CNAME' | 'NS' | 'PTR' | 'TXT';

/** RFC 2136 section 2.4 prerequisites. */
export type Prerequisite =
  /** 2.4.1: the RRset exists, whatever its values. */
  | { kind: 'rrsetExists'; name: string; type: RrType }
  /** 2.4.2: the RRset exists and is exactly these values. */
  | { kind: 'rrsetEquals'; name: string; type: RrType; values: readonly string[] }
  /** 2.4.3: no RRset of this type at this name. */
  | { kind: 'rrsetAbsent'; name: string; type: RrType }
  /** 2.4.4: the name owns at least one RR. */
  | { kind: 'nameInUse'; name: string }
  /** 2.4.5: the name owns no RR. */
  | { kind: 'nameNotInUse'; name: string };

/** RFC 2136 section 2.5 updates. */
export type UpdateOp =
  | { kind: 'add'; name: string; type: RrType; ttlS: number; value: string }
  | { kind: 'deleteRr'; name: string; type: RrType; value: string }
  | { kind: 'deleteRrset'; name: string; type: RrType }
  | { kind: 'deleteName'; name: string };

export interface UpdatePlan {
  zone: string;
  prerequisites: readonly Prerequisite[];
  updates: readonly UpdateOp[];
}

/** Prerequisite failures: the zone is not what the caller expected, so re-read and retry. */
export type ConflictRcode = 'NXRRSET' | 'YXRRSET' | 'NXDOMAIN' | 'YXDOMAIN';

export type UpdateResult = { status: 'ok' } | { status: 'conflict'; rcode: ConflictRcode };

export interface RrsetAnswer {
  /** Values as the server returned them (canonical text form). */
  addresses: string[];
  /** TTL of the RRset; for NXDOMAIN/NODATA the negative TTL (RFC 2308), 0 if unknown. */
  ttlS: number;
  rcode: 'NOERROR' | 'NXDOMAIN';
}
