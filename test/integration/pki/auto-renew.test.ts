import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { NodePkiPaths } from '../../../src/pki/node-paths.js';
import { normalizeSerial } from '../../../src/pki/crypto.js';
import { installCertViaRuntime, issueNodeCert } from '../../../src/pki/node-cert.js';
import { renderRenewUnits, renderSignerUnit } from '../../../src/pki/renew-units.js';
import type { Transport } from '../../../src/transport/types.js';
import { testNodeBundle } from '../../support/node-bundle.js';
import { useLab } from '../support/lab.js';
import { startLoad } from './clients.js';
import { buildHop, closeHop, INGRESS, LOCAL_PROXY, RELAY_PORT, type Hop } from './hop-lab.js';
import { waitFor } from '../../support/wait.js';

/**
 * Renewal with no operator: the signer runs on the local proxy (the CA state copied
 * there), the agent runs on each node from a systemd timer, both from the node program
 * that `ingress up` installs, on the nodes' Node 18. Certificates live 60 s, so two
 * thirds pass twice in the test.
 */
const LIFETIME_S = 60;
const SIGNER_PORT = 9443;
const REMOTE_STATE = '/var/lib/ingress/pki';
const BUNDLE = '/opt/ingress/ingress.cjs';
const INGRESS_CMD = ['/usr/bin/node', BUNDLE];
const REVOKED = 'ingress-2';
const REVOKED_PATHS: NodePkiPaths = {
  dir: '/etc/ingress/pki-ingress-2',
  combinedPem: '/etc/ingress/pki-ingress-2/node.pem',
  caFile: '/etc/ingress/pki-ingress-2/ca.pem',
  crlFile: '/etc/ingress/pki-ingress-2/crl.pem',
};

async function must(transport: Transport, command: string): Promise<string> {
  const result = await transport.exec(command, { timeoutMs: 60_000 });
  if (result.rc !== 0) throw new Error(`${transport.hostName}: ${command}: ${result.stderr}${result.stdout}`);
  return result.stdout;
}

const agentConfig = (name: string, signerAddress: string, extra = ''): string =>
  `name: ${name}\nsigner:\n  url: https://${signerAddress}:${SIGNER_PORT}\n  serverName: ${LOCAL_PROXY}\n${extra}`;

async function installAgent(transport: Transport, name: string, signerAddress: string): Promise<void> {
  await transport.put('/etc/ingress/pki-agent.yml', agentConfig(name, signerAddress), { mode: 0o644 });
  const units = renderRenewUnits({
    ingress: INGRESS_CMD,
    configFile: '/etc/ingress/pki-agent.yml',
    intervalSec: 5,
    randomDelaySec: 0,
  });
  for (const unit of units)
    await transport.put(`/etc/systemd/system/${unit.name}`, unit.text, { mode: 0o644 });
  await must(transport, 'systemctl daemon-reload');
}

/** The CA moves to the local proxy: from here on, every CA operation happens there. */
async function startSignerOnLocalProxy(h: Hop): Promise<void> {
  const tar = await promisify(execFile)('tar', ['-C', h.stateDir, '-cf', '-', '.'], {
    encoding: 'buffer',
    maxBuffer: 16 * 1024 * 1024,
  });
  const lp = h.localProxy.transport;
  await lp.put('/tmp/pki-state.tar', tar.stdout, { mode: 0o600 });
  await must(
    lp,
    `install -d -m 0700 ${REMOTE_STATE} && tar -C ${REMOTE_STATE} -xf /tmp/pki-state.tar && rm /tmp/pki-state.tar`,
  );
  const unit = renderSignerUnit({
    ingress: INGRESS_CMD,
    stateDir: REMOTE_STATE,
    listen: `${h.localProxy.host.address}:${SIGNER_PORT}`,
    extraArgs: ['--lifetime-seconds', String(LIFETIME_S), '--rate-limit', '30/60'],
  });
  await lp.put(`/etc/systemd/system/${unit.name}`, unit.text, { mode: 0o644 });
  await must(lp, `systemctl daemon-reload && systemctl start ${unit.name}`);
  await waitFor(
    'the signer',
    async () => (await lp.exec(`ss -ltn | grep -q ':${SIGNER_PORT} '`)).rc === 0,
    20_000,
    1_000,
  );
}

let hop: Hop | undefined;
let firstSerial = '';
useLab(async (lab) => {
  const h = (hop = await buildHop(lab));
  const cli = await readFile(await testNodeBundle());
  for (const node of [h.ingress, h.localProxy]) {
    await must(node.transport, 'install -d -m 0755 /opt/ingress');
    await node.transport.put(BUNDLE, cli, { mode: 0o755 });
  }
  // Short-lived certificates, enrolled by the controller the way `ingress up` does.
  const short = { stateDir: h.stateDir, transport: h.ingress.transport, lifetimeDays: LIFETIME_S / 86_400 };
  const outcome = await issueNodeCert({ ...short, name: INGRESS, sans: [h.ingress.host.address] });
  await installCertViaRuntime(h.ingress.transport, outcome.changed);
  firstSerial = normalizeSerial(outcome.record.serial);
  // Long-lived: it must still be valid (only revoked) when the second test runs.
  await issueNodeCert({ ...short, lifetimeDays: 30, name: REVOKED, sans: [], paths: REVOKED_PATHS });
  await startSignerOnLocalProxy(h);
  await installAgent(h.ingress.transport, INGRESS, h.localProxy.host.address);
  await installAgent(h.localProxy.transport, LOCAL_PROXY, h.localProxy.host.address);
});
afterAll(() => closeHop(hop));

function current(): Hop {
  if (!hop) throw new Error('the hop was not built');
  return hop;
}

/** The serial of the certificate the ingress node's HAProxy presents, from the local proxy's log. */
async function presentedClientSerial(h: Hop): Promise<string> {
  const log = await h.localProxy.transport.exec(
    `journalctl -u haproxy -o cat --no-pager | grep 'cn=${INGRESS} ' | tail -1`,
  );
  return normalizeSerial(/serial=([0-9A-Fa-f]+)/.exec(log.stdout)?.[1] ?? '');
}

async function fileSerial(transport: Transport, file: string): Promise<string> {
  const out = await must(transport, `openssl x509 -in ${file} -noout -serial`);
  return normalizeSerial(out.trim().replace(/^serial=/, ''));
}

describe('certificates renew themselves on the nodes', () => {
  it('renews the ingress certificate twice on its own under load, with no failed request', async () => {
    const h = current();
    const load = startLoad(h.ingress.host.address, RELAY_PORT, 20, 150_000);
    // The last logged connection may predate the swap: wait for one made with the new certificate.
    await waitFor(
      'the first certificate in use',
      async () => (await presentedClientSerial(h)) === firstSerial,
      20_000,
      1_000,
    );
    for (const node of [h.ingress, h.localProxy]) {
      await must(node.transport, 'systemctl start ingress-pki-renew.timer');
    }
    const seen = [firstSerial];
    await waitFor(
      'two renewals of the ingress certificate',
      async () => {
        const serial = await fileSerial(h.ingress.transport, '/etc/ingress/pki/node.pem');
        if (serial !== seen[seen.length - 1]) seen.push(serial);
        return seen.length >= 3;
      },
      120_000,
      1_000,
    );
    const latest = seen[2] ?? '?';
    await waitFor(
      'HAProxy to present it',
      async () => (await presentedClientSerial(h)) === latest,
      10_000,
      1_000,
    );
    const report = await load.stop();
    expect(report.errors).toEqual([]);
    expect(report.failed).toBe(0);
    expect(report.sent).toBeGreaterThan(200);

    const journal = await must(h.ingress.transport, 'journalctl -u ingress-pki-renew -o cat --no-pager');
    expect(journal).toMatch(
      /ingress-1: renewed \(renewal was due at [^)]+\); serial [0-9a-f]+ .*haproxy: runtime \(cert\)/,
    );
    expect(journal).toMatch(/ingress-1: not due; serial [0-9a-f]+ .*; haproxy: none\n/);
    const modes = await must(
      h.ingress.transport,
      'stat -c "%a" /etc/ingress/pki/node.pem /etc/ingress/pki/node.key',
    );
    expect(modes).toBe('600\n600\n');
  }, 150_000);

  it('refuses a revoked node, which says why; the new CRL reaches both HAProxys on its own', async () => {
    const h = current();
    const lp = h.localProxy.transport;
    await must(lp, `node ${BUNDLE} ca revoke ${REVOKED} --state-dir ${REMOTE_STATE}`);
    const extra = `pki:\n  dir: ${REVOKED_PATHS.dir}\n  combinedPem: ${REVOKED_PATHS.combinedPem}\n  caFile: ${REVOKED_PATHS.caFile}\n  crlFile: ${REVOKED_PATHS.crlFile}\nhaproxy:\n  enabled: false\n`;
    await h.ingress.transport.put(
      '/etc/ingress/agent-2.yml',
      agentConfig(REVOKED, h.localProxy.host.address, extra),
    );
    const before = await must(h.ingress.transport, `sha256sum ${REVOKED_PATHS.combinedPem}`);
    const run = await h.ingress.transport.exec(
      `node ${BUNDLE} pki renew --config /etc/ingress/agent-2.yml --force`,
    );
    expect(run.rc).toBe(70);
    const serial = await fileSerial(h.ingress.transport, REVOKED_PATHS.combinedPem);
    expect(run.stderr).toBe(
      `ingress: ${REVOKED}: renewal failed: the signer refused (403): certificate ${serial} of ${REVOKED} is revoked\n`,
    );
    expect(await must(h.ingress.transport, `sha256sum ${REVOKED_PATHS.combinedPem}`)).toBe(before);

    // Each node's next timer run pulls the CRL and loads it through the runtime API.
    const crl = await must(lp, `cat ${REMOTE_STATE}/crl.pem`);
    for (const node of [h.ingress, h.localProxy]) {
      const loaded = new RegExp(`${node.host.name}: .*haproxy: runtime \\(crl-file`);
      await waitFor(
        `the new CRL loaded on ${node.host.name}`,
        async () =>
          loaded.test(await must(node.transport, 'journalctl -u ingress-pki-renew -o cat --no-pager')),
        20_000,
        1_000,
      );
      expect((await must(node.transport, 'cat /etc/ingress/pki/crl.pem')).trim()).toBe(crl.trim());
    }
    const listed = await must(lp, 'openssl crl -in /etc/ingress/pki/crl.pem -noout -text');
    expect(listed.toLowerCase().replace(/[^0-9a-z]/g, '')).toContain(`serialnumber${serial}`);
  }, 60_000);
});
