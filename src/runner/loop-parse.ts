import type { LoopSpec } from './model.js';
import { readString } from './fields.js';
import { WITH_LOOKUPS } from './task-common.js';
import type { Entry, YamlSource } from './yaml-source.js';
import { entryError, expectMap, toJs } from './yaml-source.js';

type ByKey = (key: string) => Entry | undefined;

/** `loop`, `with_items` or `with_<lookup>`, and loop_control; at most one of the loops. */
export function parseLoop(src: YamlSource, byKey: ByKey): LoopSpec | undefined {
  const loops = ['loop', 'with_items', ...WITH_LOOKUPS.map((l) => `with_${l}`)].flatMap(
    (k) => byKey(k) ?? [],
  );
  if (loops.length > 1)
    throw entryError(src, loops[1] as Entry, `use one of ${loops.map((e) => e.key).join(', ')}`);
  const loop = byKey('loop');
  const withItems = byKey('with_items');
  const control = byKey('loop_control');
  const source = loops[0];
  if (!source) {
    if (control) throw entryError(src, control, 'loop_control needs loop or with_items');
    return undefined;
  }
  const spec: LoopSpec = { items: toJs(src, source.node), loopVar: 'item', flatten: source === withItems };
  if (source !== loop && source !== withItems) spec.lookup = source.key.slice('with_'.length);
  if (!control) return spec;
  for (const entry of expectMap(src, control.node, 'loop_control')) {
    if (entry.key === 'loop_var') spec.loopVar = readString(src, entry);
    else if (entry.key === 'label') spec.label = readString(src, entry);
    else throw entryError(src, entry, `unknown loop_control keyword '${entry.key}'`);
  }
  return spec;
}
