/** Ansible's tag selection (Taggable.evaluate_tags), including `always`, `never`, `tagged`, `untagged` and `all`. */
export function shouldRunTags(
  taskTags: readonly string[],
  onlyTags: readonly string[],
  skipTags: readonly string[],
): boolean {
  const tags = new Set(taskTags.length ? taskTags : ['untagged']);
  const untagged = taskTags.length === 0;
  const only = new Set(onlyTags.length ? onlyTags : ['all']);
  const skip = new Set(skipTags);
  const overlaps = (set: Set<string>) => [...tags].some((tag) => set.has(tag));
  let run = true;
  if (only.size) {
    run =
      tags.has('always') ||
      (only.has('all') && !tags.has('never')) ||
      overlaps(only) ||
      (only.has('tagged') && !untagged && !tags.has('never'));
  }
  if (run && skip.size) {
    if (skip.has('all')) run = tags.has('always') && !skip.has('always');
    else if (overlaps(skip)) run = false;
    else if (skip.has('tagged') && !untagged) run = false;
  }
  return run;
}
