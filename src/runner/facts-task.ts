import { failure } from './action-exec.js';
import { mapLimit } from './concurrency.js';
import { rootInherited } from './inherit.js';
import type { ActionTask } from './model.js';
import { reportOutcome } from './outcome.js';
import type { TaskResult } from './output-types.js';
import type { PlayRun } from './play-run.js';
import { shouldRunTags } from './tags.js';

function gatherTask(pr: PlayRun): ActionTask {
  return {
    kind: 'action',
    name: 'Gathering Facts',
    action: 'gather_facts',
    args: {},
    notify: [],
    listen: [],
    when: [],
    tags: ['always'],
    vars: {},
    ignoreErrors: false,
    noLog: false,
    location: pr.play.location,
    taskDir: pr.playbook.dir,
  };
}

async function gatherOn(pr: PlayRun, host: string): Promise<TaskResult> {
  const inh = rootInherited(pr.play);
  try {
    const become = {
      ...(inh.become !== undefined ? { become: inh.become === true } : {}),
      ...(inh.becomeUser ? { becomeUser: inh.becomeUser } : {}),
    };
    const remote = await pr.deps.connect(host, pr.taskVars(host, []), become);
    const facts = await pr.deps.gatherFacts(remote);
    pr.state.facts.set(host, facts);
    return { changed: false, ansible_facts: facts };
  } catch (err) {
    return failure(err);
  }
}

/** The implicit first task of a play (tagged `always`, as in Ansible); it is also the first connection. */
export async function gatherFactsTask(pr: PlayRun): Promise<void> {
  const task = gatherTask(pr);
  if (!shouldRunTags(task.tags, pr.options.tags, pr.options.skipTags)) return;
  pr.deps.sink.taskStart('Gathering Facts', 'task');
  const inh = rootInherited(pr.play);
  await mapLimit(pr.activeHosts(), pr.options.forks, async (host) => {
    const outcome = reportOutcome(pr, task, inh, host, await gatherOn(pr, host));
    if (outcome === 'failed') pr.state.failed.add(host);
  });
}
