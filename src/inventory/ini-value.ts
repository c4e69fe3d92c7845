import { pythonLiteral } from '../template/python-literal.js';

/**
 * INI values go through Python's ast.literal_eval in Ansible: numbers, strings,
 * True/False/None, lists, tuples and dicts become typed; anything literal_eval
 * rejects stays the raw string.
 */
export function parseIniValue(raw: string): unknown {
  const literal = pythonLiteral(raw);
  return literal.ok ? literal.value : raw;
}
