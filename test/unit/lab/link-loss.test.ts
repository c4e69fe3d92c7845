import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { IngressError } from '../../../src/errors.js';
import {
  degradeLink,
  degradeScript,
  healLink,
  interfaceOf,
  parseLossPercent,
  parseLossyPart,
} from '../../../src/lab/link-loss.js';
import type { ExecResult } from '../../../src/transport/types.js';

const ipAddr = readFileSync(
  fileURLToPath(new URL('../../fixtures/lab/ip-addr-proxy.txt', import.meta.url)),
  'utf8',
);

/** Answers `ip addr` from the fixture and records every other command. */
function fakeProxy(answers: Record<string, ExecResult> = {}) {
  const commands: string[] = [];
  return {
    commands,
    exec: async (command: string): Promise<ExecResult> => {
      commands.push(command);
      if (command.startsWith('ip -o -4 addr')) return { rc: 0, stdout: ipAddr, stderr: '' };
      const key = Object.keys(answers).find((k) => command.startsWith(k));
      return key ? (answers[key] as ExecResult) : { rc: 0, stdout: '', stderr: '' };
    },
  };
}

describe('lab link loss', () => {
  it('finds the interface of an address, without the peer index', () => {
    expect(interfaceOf(ipAddr, '10.240.2.20')).toBe('eth1');
    expect(interfaceOf(ipAddr, '10.240.4.20')).toBe('eth3');
    expect(() => interfaceOf(ipAddr, '10.240.9.20')).toThrow(/no interface holds 10\.240\.9\.20/);
  });

  it('refuses an interface name that is not a plain name', () => {
    const hostile = '7: eth1";drop    inet 10.240.2.20/24 scope global x';
    expect(() => interfaceOf(hostile, '10.240.2.20')).toThrow(/unexpected interface name/);
  });

  it('drops a random share in a table of its own, replacing an earlier rule in one transaction', () => {
    expect(degradeScript('wan1', 'eth1', 30)).toBe(
      [
        'table inet ingress_lab_loss_wan1',
        'delete table inet ingress_lab_loss_wan1',
        'table inet ingress_lab_loss_wan1 {',
        '  chain input {',
        '    type filter hook input priority -300; policy accept;',
        '    iifname "eth1" numgen random mod 100 < 30 drop',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('degrades the interface that holds the link address, and heals only what it set', async () => {
    const proxy = fakeProxy();
    expect(await degradeLink(proxy, 'wan2', '10.240.3.20', 25)).toBe('eth2');
    expect(proxy.commands[1]).toContain('iifname "eth2" numgen random mod 100 < 25 drop');
    expect(await healLink(proxy, 'wan2')).toBe(true);
    expect(proxy.commands.at(-1)).toContain('delete table inet ingress_lab_loss_wan2');
    const clean = fakeProxy({ 'nft list table': { rc: 1, stdout: '', stderr: 'No such file' } });
    expect(await healLink(clean, 'wan1')).toBe(false);
    expect(clean.commands).toHaveLength(1);
  });

  it('says why nft refused', async () => {
    const proxy = fakeProxy({ 'nft -f': { rc: 1, stdout: '', stderr: 'Error: syntax error' } });
    await expect(degradeLink(proxy, 'wan1', '10.240.2.20', 30)).rejects.toThrow(
      /degrading wan1 failed \(nft exit 1\): Error: syntax error/,
    );
  });

  it('takes only a lossy part and a percentage 1-100', () => {
    expect(parseLossyPart('mesh')).toBe('mesh');
    expect(() => parseLossyPart('ingress-1')).toThrow(IngressError);
    expect(parseLossPercent('30')).toBe(30);
    for (const bad of ['0', '101', '30%', '-5', '2.5', ''])
      expect(() => parseLossPercent(bad), bad).toThrow(/integer 1-100/);
  });
});
