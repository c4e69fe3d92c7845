import { describe, expect, it } from 'vitest';
import { dockerode, LAB_LABEL } from '../../../src/lab/docker.js';
import { dockerSubnets, firstFreeBase, usedBases } from '../../../src/lab/address-pool.js';
import { createLab } from '../../../src/lab/lab.js';
import { SshTransport } from '../../../src/transport/ssh.js';
import { sleep } from '../../../src/time/sleep.js';

async function hostname(spec: Parameters<typeof SshTransport.connect>[0]): Promise<string> {
  const t = await SshTransport.connect(spec);
  try {
    return (await t.exec('hostname')).stdout.trim();
  } finally {
    await t.close();
  }
}

/**
 * The host's neighbour cache remembers the failed lookup from while the link was
 * cut (EHOSTUNREACH for a few seconds): a user retries, so does this.
 */
async function hostnameWithin(spec: Parameters<typeof SshTransport.connect>[0], ms: number): Promise<string> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await hostname(spec);
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(500);
    }
  }
}

describe('lab harness', () => {
  it('runs a systemd host on two internal networks, cuts and restores a link, and cleans up after itself', async () => {
    const lab = await createLab();
    // A free 10.x range, as the stack labs pick theirs: one of them may hold any fixed one.
    const base = firstFreeBase(231, usedBases(await dockerSubnets()));
    try {
      await lab.createNetwork('wan1', { subnet: `10.${base}.1.0/24` });
      await lab.createNetwork('wan2', { subnet: `10.${base}.2.0/24` });
      const host = await lab.startHost({
        name: 'edge',
        networks: [
          { name: 'wan1', ipv4: `10.${base}.1.10` },
          { name: 'wan2', ipv4: `10.${base}.2.10` },
        ],
      });
      expect(host.addresses).toEqual({ wan1: `10.${base}.1.10`, wan2: `10.${base}.2.10` });
      expect((await host.exec('systemctl is-system-running --wait')).stdout.trim()).toMatch(
        /running|degraded/,
      );
      expect((await host.exec('stat -c %a /root/.ssh/authorized_keys')).stdout).toBe('600\n');
      const api = await dockerode();
      const net = await api.getNetwork(`ingress-${lab.runId}-wan1`).inspect();
      expect(net.Internal).toBe(true);
      expect(net.Labels?.[LAB_LABEL]).toBe(lab.runId);

      const viaWan2 = host.connectionSpec({ address: `10.${base}.2.10`, connectTimeoutMs: 3_000 });
      expect(await hostname(viaWan2)).toBe('edge');
      await lab.disconnectNetwork(host, 'wan2');
      await expect(hostname(viaWan2)).rejects.toMatchObject({ code: 'E_UNREACHABLE' });
      await lab.connectNetwork(host, 'wan2', `10.${base}.2.10`);
      expect(await hostnameWithin(viaWan2, 20_000)).toBe('edge');

      await host.stop();
      await host.start();
      expect(await hostname(host.connectionSpec())).toBe('edge');
    } finally {
      await lab.close();
    }
    const api = await dockerode();
    const filters = JSON.stringify({ label: [`${LAB_LABEL}=${lab.runId}`] });
    expect(await api.listContainers({ all: true, filters })).toEqual([]);
    expect(await api.listNetworks({ filters })).toEqual([]);
  }, 180_000);
});
