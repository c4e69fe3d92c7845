/**
 * The one language every configuration file is declared in: inventory variables
 * (src/stack/schema.ts), the health daemon's file and the renewal agent's. A value is
 * checked against its shape once (check-shape.ts); readers then only apply defaults
 * and the rules that tie several fields together.
 *
 * Every value has a precise type, none of which admits whitespace, quotes,
 * `;`, `$`, a backtick or `#` (except `secret` and `text`, which are never
 * written into a shell or a line of another file): values reach root shells,
 * HAProxy, nftables, systemd and YAML files, where one of those could add a
 * command or a line.
 */
export type Shape =
  /** true or false; in a string too (yes/no), as Ansible reads INI inventories. */
  | { kind: 'bool' }
  /** A YAML boolean only: a program's own config says true or false, never "yes". */
  | { kind: 'yaml-bool' }
  /** A whole number; without max, any from min up. */
  | { kind: 'int'; min: number; max?: number }
  /** A finite number strictly between above and below (a share such as 2/3). */
  | { kind: 'number'; above: number; below: number }
  | { kind: 'enum'; values: readonly string[] }
  /** A lower-case DNS label: inventory host names, WAN names. */
  | { kind: 'ident' }
  /** A HAProxy backend or server name, an nftables table or set: letters, digits, _.:- */
  | { kind: 'name' }
  | { kind: 'ip' }
  /** An IP address or a DNS name (ansible_host). */
  | { kind: 'host' }
  | { kind: 'hostport' }
  | { kind: 'https-url' }
  /** An http:// or https:// URL (which of them a field allows is the reader's rule). */
  | { kind: 'url' }
  /** A Yggdrasil peer URI: tls://, tcp://, quic://, ws:// or wss:// HOST:PORT. */
  | { kind: 'peer-uri' }
  | { kind: 'domain' }
  | { kind: 'email' }
  /** An absolute file path. */
  | { kind: 'path' }
  /** A file on the controller: absolute, or under the user's home (`~/`). */
  | { kind: 'local-path' }
  /** The path (and query) of an HTTP request. */
  | { kind: 'url-path' }
  /** A network interface name or a simple pattern of them (Yggdrasil multicast). */
  | { kind: 'iface' }
  /** A login name (ansible_user). */
  | { kind: 'user' }
  /** A secret passed to ssh or sudo, never to a shell: any text on one line. */
  | { kind: 'secret' }
  /** Free text on one line, passed as one argument and never to a shell (a systemd unit). */
  | { kind: 'text' }
  /** A rolling batch size as Ansible's `serial` takes it: a count or "N%". */
  | { kind: 'batch' }
  | { kind: 'list'; of: Shape; uniqueBy?: string }
  /** One value, or a non-empty list of them (a path steered in several backends). */
  | { kind: 'one-or-list'; of: Shape }
  | { kind: 'object'; fields: Record<string, Field> };

export interface Field {
  shape: Shape;
  required?: boolean;
}

/** The kinds checked as one value rather than as a mapping or a list. */
export type ScalarShape = Exclude<Shape, { kind: 'list' | 'one-or-list' | 'object' }>;

export const req = (shape: Shape): Field => ({ shape, required: true });
export const opt = (shape: Shape): Field => ({ shape });
export const object = (fields: Record<string, Field>): Shape => ({ kind: 'object', fields });
export const listOf = (of: Shape, uniqueBy?: string): Shape =>
  uniqueBy === undefined ? { kind: 'list', of } : { kind: 'list', of, uniqueBy };

/** A whole number from min (up to max when given). */
export const int = (min: number, max?: number): Shape =>
  max === undefined ? { kind: 'int', min } : { kind: 'int', min, max };

/** The scalar shapes the schemas share, so a rule such as a port's range is written once. */
export const SHAPES = {
  ident: { kind: 'ident' },
  name: { kind: 'name' },
  ip: { kind: 'ip' },
  host: { kind: 'host' },
  domain: { kind: 'domain' },
  path: { kind: 'path' },
  url: { kind: 'url' },
  port: int(1, 65535),
} as const satisfies Record<string, Shape>;
