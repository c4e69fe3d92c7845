import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEBIAN_RELEASES } from '../../../src/lab/image.js';
import { createLab, type Lab } from '../../../src/lab/lab.js';

// installCertViaRuntime loads a changed CA file by a seamless reload because HAProxy
// breaks on `commit ssl ca-file` after a `commit ssl cert` (haproxy/haproxy#3165): mostly
// the worker dies; Debian 13's 3.0.11 once answered "Failed!" and lived on instead. This
// checks the HAProxy each supported Debian ships: the day that commit succeeds, this
// fails, and the reload can go for that release.
const SCRIPT = fileURLToPath(new URL('../../fixtures/pki-hop/ca-file-after-cert-crash.sh', import.meta.url));
let lab: Lab;

beforeAll(async () => {
  lab = await createLab();
}, 300_000);

afterAll(async () => {
  await lab?.close();
});

describe('HAProxy runtime API: commit ssl ca-file after a certificate commit', () => {
  for (const debian of DEBIAN_RELEASES)
    it(`still breaks that commit in the HAProxy of Debian ${debian}, so CA changes go through a reload`, async () => {
      const { stdout } = await promisify(execFile)(
        'bash',
        [SCRIPT, String(debian), `ingress-${lab.runId}-apt`],
        {
          timeout: 280_000,
        },
      );
      expect(stdout).toMatch(debian === 13 ? /^HAProxy version 3\.0\./m : /^HAProxy version 2\.6\./m);
      expect(stdout).toMatch(/commit ssl ca-file \(no cert commit yet\):\nSuccess!\n {2}-> alive/);
      expect(stdout).toMatch(/commit ssl cert:\nSuccess!\n {2}-> alive/);
      const afterCert = stdout.slice(stdout.indexOf('commit ssl ca-file after a cert commit:'));
      expect(afterCert).toMatch(
        /^commit ssl ca-file after a cert commit:\n(?:.*\n)? {2}-> (?:CRASHED|alive)/,
      );
      expect(afterCert).toMatch(/-> CRASHED|^Failed!$/m);
      expect(afterCert).not.toMatch(/^Success!$/m);
    }, 300_000);
});
