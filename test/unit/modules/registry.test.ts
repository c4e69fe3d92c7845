import { describe, expect, it } from 'vitest';
import { parseMode, resolveMode } from '../../../src/modules/mode.js';
import { getModule, moduleNames } from '../../../src/modules/registry.js';
import { makeCtx, ScriptedRemote } from './fakes.js';
import { fixture } from '../facts/fixture.js';

describe('module registry', () => {
  it('answers to short and ansible.builtin names alike', () => {
    for (const name of [
      'copy',
      'template',
      'file',
      'apt',
      'systemd',
      'service',
      'command',
      'shell',
      'sysctl',
      'wait_for',
      'setup',
    ]) {
      expect(getModule(name)).toBeDefined();
      expect(getModule(`ansible.builtin.${name}`) ?? getModule(`ansible.posix.${name}`)).toBe(
        getModule(name),
      );
    }
    expect(getModule('ansible.legacy.copy')).toBe(getModule('copy'));
    expect(getModule('debug')).toBeUndefined();
    expect(moduleNames()).toContain('ansible.builtin.systemd_service');
  });

  it('setup returns ansible_facts, filtered on request', async () => {
    const remote = new ScriptedRemote([[/@@ingress:/, fixture('gather')]]);
    const res = await getModule('setup')?.run({ filter: 'ansible_distribution*' }, makeCtx(remote));
    expect(res).toEqual({
      changed: false,
      ansible_facts: {
        distribution: 'Debian',
        distribution_version: '12.15',
        distribution_major_version: '12',
        distribution_release: 'bookworm',
      },
    });
  });
});

describe('modes', () => {
  it('octal strings and numbers (YAML 1.1 reads 0644 as 420)', () => {
    expect(parseMode('file', 'mode', '0644')).toEqual({ kind: 'octal', bits: 0o644 });
    expect(parseMode('file', 'mode', '1777')).toEqual({ kind: 'octal', bits: 0o1777 });
    expect(parseMode('file', 'mode', 420)).toEqual({ kind: 'octal', bits: 0o644 });
    expect(() => parseMode('file', 'mode', '0999')).toThrow(
      expect.objectContaining({ location: { file: 'file', field: 'mode' } }),
    );
  });

  it('symbolic modes apply to the current mode', () => {
    const sym = (text: string, current: number, isDir = false) => {
      const spec = parseMode('file', 'mode', text);
      if (spec === undefined) throw new Error('no spec');
      return resolveMode(spec, current, isDir);
    };
    expect(sym('u=rw,g=r,o=r', 0o777)).toBe(0o644);
    expect(sym('a+x', 0o644)).toBe(0o755);
    expect(sym('go-rwx', 0o755)).toBe(0o700);
    expect(sym('a+X', 0o644, true)).toBe(0o755);
    expect(sym('a+X', 0o644, false)).toBe(0o644);
    expect(sym('u+s', 0o755)).toBe(0o4755);
    expect(sym('+t', 0o777, true)).toBe(0o1777);
  });
});
