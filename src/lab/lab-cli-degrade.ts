import { dockerExec } from './host.js';
import type { LabContext } from './lab-cli-observe.js';
import { containerOf, loadLabContext } from './lab-cli-observe.js';
import type { LabOut } from './lab-cli-actions.js';
import type { LabPart } from './lab-cli-parts.js';
import type { LossyPart, ShellRunner } from './link-loss.js';
import { degradeLink, healLink, LOSSY_NETWORK, LOSSY_PARTS, lossTable } from './link-loss.js';
import { addressOf } from './topology.js';

function proxyShell(ctx: LabContext): ShellRunner {
  const proxy = containerOf(ctx, 'proxy');
  return { exec: (command) => dockerExec(proxy.id, command) };
}

/** `ingress lab degrade PART PERCENT`: random loss on the proxy's side of a WAN or the mesh underlay. */
export async function labDegrade(
  options: { dir: string; part: LossyPart; percent: number },
  out: LabOut,
): Promise<number> {
  const ctx = await loadLabContext(options.dir);
  const address = addressOf(ctx.topology, 'proxy', LOSSY_NETWORK[options.part]);
  const iface = await degradeLink(proxyShell(ctx), options.part, address, options.percent);
  out.stdout.write(
    `${options.part}: dropping ${options.percent}% of the packets arriving at the proxy on ${iface} ` +
      `(nft table inet ${lossTable(options.part)})\n` +
      `watch the weights with \`ingress lab status\`; undo with \`ingress lab heal ${options.part}\`\n`,
  );
  return 0;
}

/** Part of `ingress lab heal`: removes a loss rule of the part, if any; true when there was one. */
export async function healLoss(ctx: LabContext, part: LabPart): Promise<boolean> {
  if (!(LOSSY_PARTS as readonly string[]).includes(part)) return false;
  const proxy = ctx.containers.get('proxy');
  if (!proxy?.running) return false;
  return healLink(proxyShell(ctx), part as LossyPart);
}
