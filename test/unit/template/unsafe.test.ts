import { describe, expect, it } from 'vitest';
import { createTemplar } from '../../../src/template/templar.js';
import { Unsafe, isUnsafe, markUnsafe, stripUnsafe } from '../../../src/template/unsafe.js';

const PLANTED = "{{ lookup('env', 'SECRET') }}";

function templarReading(read: string[]) {
  const env = new Proxy({ SECRET: 'controller-secret' } as Record<string, string | undefined>, {
    get(target, name) {
      if (typeof name === 'string') read.push(name);
      return target[name as string];
    },
  });
  return createTemplar({ env });
}

describe('unsafe (host) data in the templar', () => {
  it('is never rendered, at any depth, in values and text templates', () => {
    const read: string[] = [];
    const templar = templarReading(read);
    const vars = { r: markUnsafe({ stdout: ` ${PLANTED} `, lines: [PLANTED] }), direct: markUnsafe(PLANTED) };
    expect(templar.renderValue('{{ r.stdout | trim }}', vars)).toBe(PLANTED);
    expect(templar.renderValue('{{ direct }}', vars)).toBe(PLANTED);
    expect(templar.renderText('key={{ r.lines[0] }}\n', vars)).toBe(`key=${PLANTED}\n`);
    expect(templar.isTrue("'lookup' in r.stdout", vars)).toBe(true);
    expect(read).not.toContain('SECRET');
  });

  it('marks what renderData builds from host data, and only that', () => {
    const templar = createTemplar();
    const vars = { r: markUnsafe({ stdout: '{"a": 1}' }), plain: 'x' };
    const built = templar.renderData('{{ r.stdout | from_json }}', vars);
    expect(isUnsafe(built)).toBe(true);
    expect(stripUnsafe(built)).toEqual({ a: 1 });
    expect(templar.renderData('{{ plain }}-y', vars)).toBe('x-y');
  });

  it('reads a condition rendered from host data for its truth, never as an expression', () => {
    const read: string[] = [];
    const templar = templarReading(read);
    const vars = { r: markUnsafe({ stdout: "lookup('env', 'SECRET') == 'nope'" }) };
    expect(templar.isTrue('{{ r.stdout }}', vars)).toBe(true);
    expect(read).not.toContain('SECRET');
  });

  it('still lets the playbook itself use lookups', () => {
    const read: string[] = [];
    expect(templarReading(read).renderValue(PLANTED, {})).toBe('controller-secret');
    expect(read).toContain('SECRET');
  });

  it('shows the data, not the wrapper, in JSON', () => {
    expect(JSON.stringify({ x: new Unsafe({ a: PLANTED }) })).toBe(JSON.stringify({ x: { a: PLANTED } }));
  });
});
