import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { getModule } from '../../../src/modules/registry.js';
import { loadPlaybook } from '../../../src/runner/playbook-load.js';
import { planBatches, resolveSerial } from '../../../src/runner/serial.js';
import { createTemplar } from '../../../src/template/templar.js';

const site = fileURLToPath(new URL('../../../playbooks/site.yml', import.meta.url));
const nodes = Array.from({ length: 10 }, (_, i) => `ingress-${i + 1}`);

async function ingressPlay() {
  const book = await loadPlaybook(site, { lookupModule: getModule });
  const play = book.plays.find((p) => p.hosts === 'ingress');
  if (!play) throw new Error('site.yml has no play for the ingress group');
  return play;
}

const batches = async (extraVars: Record<string, unknown>) => {
  const play = await ingressPlay();
  const templar = createTemplar({ searchPaths: [] });
  const serial = resolveSerial(play.serial, (v) => templar.renderValue(v, extraVars), play.location);
  return planBatches(nodes, serial).map((b) => b.length);
};

describe("site.yml's rolling play of the ingress nodes", () => {
  it('rolls in batches of the size ingress up passes, one node when run alone', async () => {
    expect(await batches({ ingress_up_rolling_batch: '25%' })).toEqual([2, 2, 2, 2, 2]);
    expect(await batches({ ingress_up_rolling_batch: 3 })).toEqual([3, 3, 3, 1]);
    expect(await batches({})).toEqual(Array.from({ length: 10 }, () => 1));
  });

  it('stops the roll at the first failure', async () => {
    expect((await ingressPlay()).maxFailPercentage).toBe(0);
  });
});
