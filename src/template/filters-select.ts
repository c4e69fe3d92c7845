import { type Filter, asList, splitArgs, strict } from './args.js';
import { attributePath } from './filters-lists.js';
import type { NjEnvironment } from './nunjucks-internals.js';
import { pyTruthy } from './python.js';
import { isUndefined } from './undefined.js';

/** map/select/reject/selectattr/rejectattr, which call other filters and tests by name. */

function withKeywords(positional: unknown[], kwargs: Record<string, unknown>): unknown[] {
  return Object.keys(kwargs).length === 0 ? positional : [...positional, { ...kwargs, __keywords: true }];
}

export function selectFilters(env: NjEnvironment): Record<string, Filter> {
  const runTest = (item: unknown, name: unknown, args: unknown[]): boolean => {
    if (name === undefined) return pyTruthy(item);
    return env.getTest(String(name))(item, ...args) === true;
  };

  function map(value: unknown, ...args: unknown[]): unknown[] {
    const { positional, kwargs } = splitArgs(args);
    const items = asList(value, 'map');
    if (kwargs['attribute'] !== undefined) {
      return items.map((item) => {
        const found = attributePath(item, kwargs['attribute']);
        return isUndefined(found) && Object.hasOwn(kwargs, 'default') ? kwargs['default'] : found;
      });
    }
    const [name, ...rest] = positional;
    if (typeof name !== 'string') throw new Error('map needs a filter name or attribute=');
    const filter = env.getFilter(name);
    return items.map((item) => filter(item, ...withKeywords(rest, kwargs)));
  }

  const select = (keep: boolean) =>
    function selectItems(value: unknown, ...args: unknown[]): unknown[] {
      const [name, ...rest] = splitArgs(args).positional;
      return asList(value, 'select').filter((item) => runTest(item, name, rest) === keep);
    };

  const selectAttr = (keep: boolean) =>
    function selectByAttribute(value: unknown, ...args: unknown[]): unknown[] {
      const [attribute, name, ...rest] = splitArgs(args).positional;
      if (attribute === undefined) throw new Error('selectattr needs an attribute name');
      return asList(value, 'selectattr').filter(
        (item) => runTest(attributePath(item, attribute), name, rest) === keep,
      );
    };

  return {
    map: strict(map),
    select: strict(select(true)),
    reject: strict(select(false)),
    selectattr: strict(selectAttr(true)),
    rejectattr: strict(selectAttr(false)),
  };
}
