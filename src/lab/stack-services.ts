import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { IngressError } from '../errors.js';
import { issueWithLocalKey } from '../pki/issue.js';
import type { LabHost } from './lab.js';
import type { StackTopology } from './topology.js';
import { address6Of, addressOf, INGRESS_NODES } from './topology.js';
import { sleep } from '../time/sleep.js';

/** The TSIG key the lab's DNS server accepts updates with. */
export interface LabTsigKey {
  name: string;
  algorithm: 'hmac-sha256';
  secretBase64: string;
}

/** Runs a command in a lab host; a non-zero exit is an E_LAB error naming the step. */
export async function mustExec(host: LabHost, what: string, command: string): Promise<string> {
  const result = await host.exec(command);
  if (result.rc !== 0)
    throw new IngressError(
      'E_LAB',
      `${host.name}: ${what} failed (rc ${result.rc}): ${result.stderr.trim()}`,
    );
  return result.stdout;
}

/** Writes a file through docker exec (base64, so any content survives the shell). */
export async function putFile(host: LabHost, path: string, content: string, mode = '0644'): Promise<void> {
  const b64 = Buffer.from(content).toString('base64');
  await mustExec(
    host,
    `writing ${path}`,
    `mkdir -p "$(dirname ${path})" && printf '%s' '${b64}' | base64 -d > ${path} && chmod ${mode} ${path}`,
  );
}

async function waitFor(host: LabHost, what: string, command: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await host.exec(command);
    if (result.rc === 0) return;
    if (Date.now() > deadline)
      throw new IngressError('E_LAB', `${host.name}: ${what} did not come up: ${result.stderr}`);
    await sleep(300);
  }
}

export function zoneFile(t: StackTopology): string {
  const service = t.serviceDomain.replace(`.${t.zone}`, '');
  const lines = [
    '$TTL 30',
    `@ IN SOA ns.${t.zone}. admin.${t.zone}. 1 60 60 600 30`,
    `@ IN NS ns.${t.zone}.`,
    `ns IN A ${addressOf(t, 'dns', 'public')}`,
    ...INGRESS_NODES.flatMap((n) => [
      `${service} IN A ${addressOf(t, n, 'public')}`,
      `${service} IN AAAA ${address6Of(t, n, 'public')}`,
    ]),
    ...INGRESS_NODES.flatMap((n) => [
      `${n} IN A ${addressOf(t, n, 'public')}`,
      `${n} IN AAAA ${address6Of(t, n, 'public')}`,
    ]),
    `proxy IN A ${addressOf(t, 'proxy', 'public')}`,
    // What the local proxy's daemon resolves for its allow-sets: the nodes' WAN-side sources.
    ...INGRESS_NODES.flatMap((n) =>
      (['wan1', 'wan2'] as const).flatMap((w) => [
        `${n}.egress IN A ${addressOf(t, n, w)}`,
        `${n}.egress IN AAAA ${address6Of(t, n, w)}`,
      ]),
    ),
    `pebble IN A ${addressOf(t, 'pebble', 'public')}`,
  ];
  return `${lines.join('\n')}\n`;
}

/** The key as a BIND key file. */
export function tsigKeyFileText(key: LabTsigKey): string {
  return `key "${key.name}" { algorithm ${key.algorithm}; secret "${key.secretBase64}"; };\n`;
}

/** The part of named.conf that `ingress dns policy` prints: the nodes' keys and grants. */
export interface LabNodeDnsPolicy {
  keysConfFile: string;
  rules: string[];
}

function namedConfLocal(t: StackTopology, admin: LabTsigKey, rules: readonly string[]): string {
  // The lab's own key (tests plant records with it) may change anything; each node's key
  // only what its daemon keeps.
  const policy = [`grant ${admin.name} zonesub ANY;`, ...rules].map((rule) => `    ${rule}\n`).join('');
  // No cap on an RRset's size (BIND 9.20 keeps 100): tests serve hostile answers of any size.
  return `include "/etc/bind/ingress.key";\nzone "${t.zone}" {\n  type primary;\n  file "/var/lib/bind/db.${t.zone}";\n  max-records-per-type 0;\n  update-policy {\n${policy}  };\n};\n`;
}

/**
 * BIND with the lab zone (the daemons' RFC 2136 target), with the policy a user puts in
 * their own: the nodes' keys (when given) limited to their names, and the lab's admin key.
 */
export async function setupDns(
  host: LabHost,
  t: StackTopology,
  keyName: string,
  nodes?: LabNodeDnsPolicy,
): Promise<LabTsigKey> {
  const key: LabTsigKey = {
    name: keyName,
    algorithm: 'hmac-sha256',
    secretBase64: randomBytes(32).toString('base64'),
  };
  const nodeKeys = nodes ? await readFile(nodes.keysConfFile, 'utf8') : '';
  await putFile(host, '/etc/bind/ingress.key', tsigKeyFileText(key) + nodeKeys, '0640');
  await putFile(
    host,
    '/etc/bind/named.conf.options',
    'options {\n  directory "/var/cache/bind";\n  recursion no;\n  listen-on { any; };\n  listen-on-v6 { none; };\n  dnssec-validation no;\n  allow-query { any; };\n};\n',
  );
  await putFile(host, '/etc/bind/named.conf.local', namedConfLocal(t, key, nodes?.rules ?? []));
  await putFile(host, `/var/lib/bind/db.${t.zone}`, zoneFile(t));
  await mustExec(
    host,
    'starting named',
    `chgrp bind /etc/bind/ingress.key && chown bind:bind /var/lib/bind/db.${t.zone} && named-checkconf && systemctl enable --now named >/dev/null 2>&1 && systemctl restart named`,
  );
  await waitFor(host, 'named', `dig +short @127.0.0.1 ${t.serviceDomain} | grep -q .`);
  return key;
}

/**
 * pebble (Debian ships no listener certificate: the lab's CA issues one), validating
 * HTTP-01 on port 80 through the lab's DNS server, without its random sleep.
 */
export async function setupPebble(host: LabHost, t: StackTopology, stateDir: string): Promise<void> {
  const ip = addressOf(t, 'pebble', 'public');
  const issued = await issueWithLocalKey({
    stateDir,
    name: 'pebble',
    sans: ['pebble', `pebble.${t.zone}`, ip],
    usage: 'server',
  });
  await putFile(host, '/etc/pebble/cert.pem', issued.certPem);
  await putFile(host, '/etc/pebble/key.pem', issued.keyPem, '0600');
  await putFile(host, '/etc/pebble/ca.pem', issued.caBundlePem);
  const config = {
    pebble: {
      listenAddress: '0.0.0.0:14000',
      managementListenAddress: '0.0.0.0:15000',
      certificate: '/etc/pebble/cert.pem',
      privateKey: '/etc/pebble/key.pem',
      httpPort: 80,
      tlsPort: 443,
      ocspResponderURL: '',
      externalAccountBindingRequired: false,
    },
  };
  await putFile(host, '/etc/pebble/config.json', JSON.stringify(config, null, 2));
  await mustExec(
    host,
    'starting pebble',
    `systemd-run --unit=pebble --setenv=PEBBLE_VA_NOSLEEP=1 /usr/bin/pebble -config /etc/pebble/config.json -dnsserver ${addressOf(t, 'dns', 'public')}:53`,
  );
  await waitFor(host, 'pebble', `curl -fsS --cacert /etc/pebble/ca.pem https://${ip}:14000/dir >/dev/null`);
}

/** Answers with what it saw: the client address from X-Forwarded-For, the Host, the peer. */
export const DEMO_SERVICE = `import json, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

class Demo(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        body = json.dumps({
            "service": "demo",
            "client": self.headers.get("x-forwarded-for"),
            "proto": self.headers.get("x-forwarded-proto"),
            "host": self.headers.get("host"),
            "peer": self.client_address[0],
        }, separators=(",", ":")).encode() + b"\\n"
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass

ThreadingHTTPServer(("0.0.0.0", int(sys.argv[1])), Demo).serve_forever()
`;

export async function setupDemo(host: LabHost, t: StackTopology): Promise<void> {
  await putFile(host, '/srv/demo/server.py', DEMO_SERVICE);
  await mustExec(
    host,
    'starting the demo',
    `systemd-run --unit=demo /usr/bin/python3 /srv/demo/server.py ${t.demoPort}`,
  );
  await waitFor(host, 'demo', `curl -fsS http://127.0.0.1:${t.demoPort}/ >/dev/null`);
}
