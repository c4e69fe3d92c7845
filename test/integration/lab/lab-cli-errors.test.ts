import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ingress-lab-err-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ingress lab, before any container', () => {
  it('says Docker is not running and how to start it', async () => {
    const got = await runCli(['lab', 'up', '--dir', join(dir, 'lab')], {
      env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' },
    });
    expect(got.code).not.toBe(0);
    expect(got.stderr).toMatch(
      /Docker is not running.*start it with `sudo systemctl start docker` \(or `sudo dockerd &`\)/,
    );
    expect(got.stdout).not.toContain('starting lab');
  });

  it('lists the valid parts for an unknown one', async () => {
    const got = await runCli(['lab', 'fail', 'wan3', '--dir', dir]);
    expect(got.code).toBe(64);
    expect(got.stderr).toContain(
      'unknown lab part "wan3": choose one of wan1, wan2, mesh, ingress-1, ingress-2, dns',
    );
  });

  it('says there is no lab yet rather than failing obscurely', async () => {
    const got = await runCli(['lab', 'status', '--dir', dir]);
    expect(got.code).not.toBe(0);
    expect(got.stderr).toContain(`no lab in ${dir}: start one with \`ingress lab up\``);
  });
});
