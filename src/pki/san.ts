import { BlockList, isIP } from 'node:net';
import { x509 } from './x509.js';
import { IngressError } from '../errors.js';

export interface San {
  type: 'dns' | 'ip';
  /** Canonical form: lower-case DNS name without trailing dot, compressed IPv6. */
  value: string;
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** Parses a SAN given as text: an IP address (v4 or v6) or a DNS name. */
export function parseSan(text: string, field = 'san'): San {
  const trimmed = text.trim().replace(/^\[(.*)\]$/, '$1');
  if (isIP(trimmed) !== 0) {
    try {
      // Round-trip through the encoder so "2001:DB8:0::1" and "2001:db8::1" compare equal.
      const raw = new x509.GeneralName('ip', trimmed).rawData;
      const value = String(new x509.GeneralName(raw).value);
      // The encoder mangles some forms (e.g. "::ffff:1.2.3.4"); Node's parser is the judge.
      const family = isIP(trimmed) === 4 ? 'ipv4' : 'ipv6';
      const check = new BlockList();
      check.addAddress(trimmed, family);
      if (!check.check(value, family)) throw new Error(`encoded as ${value}`);
      return { type: 'ip', value };
    } catch (cause) {
      throw new IngressError('E_VALIDATION', `unsupported IP address form "${text}"`, {
        cause,
        location: { file: '<san>', field },
      });
    }
  }
  const name = trimmed.toLowerCase().replace(/\.$/, '');
  const labels = name.split('.');
  if (name.length === 0 || name.length > 253 || !labels.every((label) => LABEL.test(label))) {
    throw new IngressError('E_VALIDATION', `"${text}" is neither an IP address nor a DNS name`, {
      location: { file: '<san>', field },
    });
  }
  return { type: 'dns', value: name };
}

export function sanKey(san: San): string {
  return `${san.type}:${san.value}`;
}

/** Parses, canonicalizes and de-duplicates, keeping the first-seen order. */
export function parseSans(texts: readonly string[], field = 'san'): San[] {
  const seen = new Map<string, San>();
  for (const text of texts) {
    const san = parseSan(text, field);
    if (!seen.has(sanKey(san))) seen.set(sanKey(san), san);
  }
  return [...seen.values()];
}

export function sanText(san: San): string {
  return san.value;
}

export function sameSans(a: readonly San[], b: readonly San[]): boolean {
  const left = new Set(a.map(sanKey));
  const right = new Set(b.map(sanKey));
  return left.size === right.size && [...left].every((key) => right.has(key));
}

export function toGeneralNames(sans: readonly San[]): x509.JsonGeneralNames {
  return sans.map((san) => ({ type: san.type, value: san.value }));
}

/** SANs of a certificate or CSR extension list, canonicalized; other name types are returned as-is. */
export function sansFromExtensions(extensions: readonly x509.Extension[]): { sans: San[]; other: string[] } {
  const sans: San[] = [];
  const other: string[] = [];
  for (const ext of extensions) {
    if (!(ext instanceof x509.SubjectAlternativeNameExtension)) continue;
    for (const item of ext.names.items) {
      if (item.type === 'dns' || item.type === 'ip') sans.push(parseSan(String(item.value)));
      else other.push(`${item.type}:${String(item.value)}`);
    }
  }
  return { sans, other };
}
