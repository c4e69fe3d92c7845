import { afterAll, beforeAll } from 'vitest';
import { createLab, type Lab } from '../../../src/lab/lab.js';

/**
 * A lab for one test file: made in beforeAll, removed in afterAll (containers,
 * networks and the work folder). Read `current()` inside tests and hooks.
 */
export function useLab(setup: (lab: Lab) => Promise<void> = async () => undefined): { current(): Lab } {
  let lab: Lab | undefined;
  beforeAll(async () => {
    lab = await createLab();
    try {
      await setup(lab);
    } catch (err) {
      await lab.close();
      lab = undefined;
      throw err;
    }
  });
  afterAll(async () => {
    await lab?.close();
  });
  return {
    current(): Lab {
      if (!lab) throw new Error('the lab is not ready (beforeAll failed?)');
      return lab;
    },
  };
}

/** Adds a login user with the lab's key; `sudo` gives it passwordless sudo. */
export async function addUser(
  lab: Lab,
  host: { exec(c: string): Promise<{ rc: number; stderr: string }> },
  user: string,
  sudo: 'nopasswd' | 'password' | 'none',
): Promise<void> {
  const sudoers =
    sudo === 'nopasswd'
      ? `${user} ALL=(ALL) NOPASSWD:ALL`
      : sudo === 'password'
        ? `${user} ALL=(ALL) ALL`
        : '';
  const result = await host.exec(
    [
      `useradd -m -s /bin/bash ${user}`,
      `usermod -p '*' ${user}`,
      `install -d -m 700 -o ${user} -g ${user} /home/${user}/.ssh`,
      `printf '%s\\n' '${lab.keyPair.publicKey}' > /home/${user}/.ssh/authorized_keys`,
      `chown ${user}: /home/${user}/.ssh/authorized_keys && chmod 600 /home/${user}/.ssh/authorized_keys`,
      sudoers
        ? `printf '%s\\n' '${sudoers}' > /etc/sudoers.d/${user} && chmod 440 /etc/sudoers.d/${user}`
        : 'true',
    ].join(' && '),
  );
  if (result.rc !== 0) throw new Error(`cannot add user ${user}: ${result.stderr}`);
}
