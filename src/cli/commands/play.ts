import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { IngressError } from '../../errors.js';
import type { PlaybookRunOptions } from '../../runner/run-playbook.js';

interface PlayFlags {
  inventory: string[];
  check?: boolean;
  diff?: boolean;
  limit?: string;
  tags: string[];
  skipTags: string[];
  forks: number;
  extraVars: string[];
  json?: boolean;
  acceptNewHostKeys?: boolean;
  knownHosts?: string;
  timeout?: number;
  syntaxCheck?: boolean;
  listTasks?: boolean;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];
/** `--tags a,b --tags c` as Ansible: comma lists, repeatable. */
const collectList = (value: string, previous: string[]): string[] => [
  ...previous,
  ...value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean),
];

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

function positiveSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number of seconds');
  return n;
}

async function toRunOptions(playbook: string, flags: PlayFlags): Promise<PlaybookRunOptions> {
  const { parseExtraVars } = await import('../../runner/extra-vars.js');
  return {
    playbook,
    inventories: flags.inventory,
    check: Boolean(flags.check),
    diff: Boolean(flags.diff),
    ...(flags.limit ? { limit: flags.limit } : {}),
    tags: flags.tags,
    skipTags: flags.skipTags,
    forks: flags.forks,
    extraVars: await parseExtraVars(flags.extraVars),
    json: Boolean(flags.json),
    acceptNewHostKeys: Boolean(flags.acceptNewHostKeys),
    ...(flags.knownHosts ? { knownHostsFile: flags.knownHosts } : {}),
    ...(flags.timeout ? { connectTimeoutMs: flags.timeout * 1000 } : {}),
  };
}

export function registerPlayCommand(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('play')
    .description('Run a playbook against an inventory (like ansible-playbook)')
    .argument('<playbook>', 'playbook YAML file')
    .option('-i, --inventory <path>', 'inventory file or folder (repeatable)', collect, [])
    .option('--syntax-check', 'load and check the playbook, run nothing')
    .option('--list-tasks', 'list the tasks of each play, run nothing')
    .option('-C, --check', 'check mode: report what would change, change nothing')
    .option('-D, --diff', 'show the differences in changed files')
    .option('-l, --limit <pattern>', 'only hosts matching this pattern')
    .option('-t, --tags <tags>', 'only tasks with these tags (comma list, repeatable)', collectList, [])
    .option('--skip-tags <tags>', 'skip tasks with these tags (comma list, repeatable)', collectList, [])
    .option('-f, --forks <n>', 'hosts handled in parallel', positiveInt, 10)
    .option(
      '-e, --extra-vars <vars>',
      'key=value pairs, a JSON mapping, or @file.yml (repeatable)',
      collect,
      [],
    )
    .option('--json', 'print one JSON document at the end instead of text')
    .option('--accept-new-host-keys', 'trust and record host keys not yet in known_hosts')
    .option('--known-hosts <file>', 'known_hosts file to check host keys against')
    .option('-T, --timeout <seconds>', 'connection timeout', positiveSeconds)
    .action(async (playbook: string, flags: PlayFlags) => {
      if (flags.syntaxCheck || flags.listTasks) {
        const { getModule } = await import('../../modules/registry.js');
        const { listTasksText, syntaxCheckText } = await import('../../runner/list-tasks.js');
        const { loadPlaybook } = await import('../../runner/playbook-load.js');
        const { parseExtraVars } = await import('../../runner/extra-vars.js');
        const extraVars = await parseExtraVars(flags.extraVars);
        const loaded = await loadPlaybook(playbook, { lookupModule: getModule, extraVars });
        const select = { tags: flags.tags, skipTags: flags.skipTags };
        process.stdout.write(
          flags.listTasks ? listTasksText(loaded, playbook, select) : syntaxCheckText(playbook),
        );
        setExitCode(0);
        return;
      }
      if (flags.inventory.length === 0) {
        throw new IngressError('E_USAGE', "required option '-i, --inventory <path>' not specified");
      }
      // The runner loads when a playbook runs, so `--help` and the other commands start fast.
      const { runPlaybook } = await import('../../runner/run-playbook.js');
      const report = await runPlaybook(await toRunOptions(playbook, flags));
      setExitCode(report.exitCode);
    });
}
