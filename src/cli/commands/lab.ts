import type { Command } from 'commander';
import type * as LabActions from '../../lab/lab-cli-actions.js';
import type { LabOut } from '../../lab/lab-cli-actions.js';
import { LAB_PARTS, parseLabBase, parseLabPart } from '../../lab/lab-cli-parts.js';
import { DEFAULT_LAB_DIR } from '../../lab/lab-state.js';
import { LOSSY_PARTS, parseLossPercent, parseLossyPart } from '../../lab/link-loss.js';
import { STACK_HOSTS } from '../../lab/topology.js';
import type { SetExitCode } from './index.js';

interface DirFlags {
  dir: string;
}

const out: LabOut = { stdout: process.stdout, stderr: process.stderr };
const defaultDir = (): string => process.env.INGRESS_LAB_DIR ?? DEFAULT_LAB_DIR;
const DIR_HELP = 'lab state folder (default: $INGRESS_LAB_DIR or ./.lab)';
const seconds = (text: string): number => Number(text) * 1000;
// Docker's client (testcontainers) loads only when a lab command runs.
const actions = (): Promise<typeof LabActions> => import('../../lab/lab-cli-actions.js');

function registerFailHeal(lab: Command, setExitCode: SetExitCode, broken: boolean): void {
  const verb = broken ? 'fail' : 'heal';
  lab
    .command(`${verb} <part>`)
    .description(
      broken
        ? `cut a part (${LAB_PARTS.join('|')}) and print what the lab noticed`
        : `restore a part (${LAB_PARTS.join('|')}), packet loss from \`degrade\` too, and print what the lab noticed`,
    )
    .option('--dir <path>', DIR_HELP, defaultDir())
    .option('--wait <seconds>', 'how long to watch for the change', '30')
    .action(async (name: string, flags: DirFlags & { wait: string }) => {
      const part = parseLabPart(name);
      const settleTimeoutMs = seconds(flags.wait);
      setExitCode(
        await (await actions()).labFailHeal({ dir: flags.dir, part, broken, settleTimeoutMs }, out),
      );
    });
}

function registerUp(lab: Command, setExitCode: SetExitCode): void {
  lab
    .command('up')
    .description('start the lab (or re-converge it), run `ingress up`, wait for health, print the status')
    .option('--dir <path>', DIR_HELP, defaultDir())
    .option('--base <octet>', "second octet of the lab's 10.x.0.0/16", '240')
    .option('--wait <seconds>', 'how long to wait for every path to be up', '120')
    .option(
      '--debian <release>',
      'Debian release of the nodes: 13 or 12 (default: INGRESS_LAB_DEBIAN, else 13)',
    )
    .action(async (flags: DirFlags & { base: string; wait: string; debian?: string }) => {
      const base = parseLabBase(flags.base);
      const { labDebian, parseDebian } = await import('../../lab/image.js');
      const debian = flags.debian === undefined ? labDebian() : parseDebian(flags.debian, '--debian');
      const options = {
        dir: flags.dir,
        base,
        debian,
        cwd: process.cwd(),
        healthTimeoutMs: seconds(flags.wait),
      };
      const { labUp } = await import('../../lab/lab-cli-up.js');
      setExitCode(await labUp(options, out));
    });
}

function registerDegrade(lab: Command, setExitCode: SetExitCode): void {
  lab
    .command('degrade <part> <percent>')
    .description(
      `drop PERCENT % of the packets arriving at the local proxy on a link (${LOSSY_PARTS.join('|')}), at random; \`heal\` undoes it`,
    )
    .option('--dir <path>', DIR_HELP, defaultDir())
    .action(async (name: string, percentText: string, flags: DirFlags) => {
      const part = parseLossyPart(name);
      const percent = parseLossPercent(percentText);
      const { labDegrade } = await import('../../lab/lab-cli-degrade.js');
      setExitCode(await labDegrade({ dir: flags.dir, part, percent }, out));
    });
}

/** `ingress lab up|fail|heal|status|exec|down`: the whole system on this machine, in Docker. */
export function registerLabCommand(program: Command, setExitCode: SetExitCode): void {
  const lab = program
    .command('lab')
    .description('try the whole system on this machine: ingress nodes, local proxy, DNS, ACME, a client')
    // So `exec NODE COMMAND -flags` hands the command's own flags to it, with or without `--`.
    .enablePositionalOptions();
  registerUp(lab, setExitCode);
  registerFailHeal(lab, setExitCode, true);
  registerFailHeal(lab, setExitCode, false);
  registerDegrade(lab, setExitCode);
  lab
    .command('status')
    .description("the lab's nodes, addresses and health")
    .option('--dir <path>', DIR_HELP, defaultDir())
    .option('--json', 'nodes, roles, addresses, service domains and ingress addresses as JSON')
    .action(async (flags: DirFlags & { json?: boolean }) => {
      setExitCode(
        await (
          await actions()
        ).labStatus({ dir: flags.dir, json: Boolean(flags.json), cwd: process.cwd() }, out),
      );
    });
  lab
    .command('exec <node> [command...]')
    .description(`run a command in a lab container (${STACK_HOSTS.join(', ')}); its exit code is ours`)
    .option('--dir <path>', DIR_HELP, defaultDir())
    .passThroughOptions()
    .action(async (node: string, command: string[], flags: DirFlags) => {
      // Options pass through after NODE, so a `--` there arrives as a word: it only separates.
      const argv = command[0] === '--' ? command.slice(1) : command;
      setExitCode(await (await actions()).labExec(flags.dir, node, argv, out));
    });
  lab
    .command('down')
    .description('remove every container and network of the lab, and its folder')
    .option('--dir <path>', DIR_HELP, defaultDir())
    .action(async (flags: DirFlags) => {
      setExitCode(await (await actions()).labDown(flags.dir, out));
    });
}
