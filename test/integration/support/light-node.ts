import { appendFile } from 'node:fs/promises';
import { docker, dockerode, LAB_LABEL } from '../../../src/lab/docker.js';
import { dockerExec, prepareSsh } from '../../../src/lab/host.js';
import type { Lab } from '../../../src/lab/lab.js';
import type { ExecResult } from '../../../src/transport/types.js';

export interface LightNode {
  name: string;
  address: string;
  exec(command: string): Promise<ExecResult>;
}

// sshd as PID 1, with host keys made at start as the image's systemd would make them.
const SSHD = 'ssh-keygen -A >/dev/null && mkdir -p /run/sshd && exec /usr/sbin/sshd -D -e';

/**
 * A bare lab node without systemd. Each systemd container holds several inotify
 * instances and the kernel allows 128 per user by default, so a fleet of thirty
 * systemd nodes does not boot here; a play that needs no service manager runs on
 * these instead. Labelled with the lab's run id, so `lab.close()` removes them.
 */
export async function startLightNode(lab: Lab, name: string, dockerNetwork: string): Promise<LightNode> {
  const api = await dockerode();
  const container = await docker(`create ${name}`, () =>
    api.createContainer({
      name: `ingress-${lab.runId}-${name}`,
      Image: lab.image,
      Hostname: name,
      Labels: { [LAB_LABEL]: lab.runId, 'ingress.lab.host': name },
      Entrypoint: ['/bin/sh', '-c', SSHD],
      Cmd: [],
      HostConfig: { NetworkMode: dockerNetwork },
    }),
  );
  await docker(`start ${name}`, () => container.start());
  const info = await docker('inspect container', () => container.inspect());
  const address = info.NetworkSettings.Networks[dockerNetwork]?.IPAddress ?? '';
  await prepareSsh(container.id, lab.keyPair.publicKey, address);
  const key = await dockerExec(container.id, 'cat /etc/ssh/ssh_host_ed25519_key.pub');
  const [type, blob] = key.stdout.trim().split(/\s+/);
  if (key.rc !== 0 || !type || !blob) throw new Error(`no host key on ${name}: ${key.stderr}`);
  await appendFile(lab.knownHostsFile, `${address} ${type} ${blob}\n`, { mode: 0o600 });
  return { name, address, exec: (command) => dockerExec(container.id, command) };
}
