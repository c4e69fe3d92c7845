import { describe, expect, it } from 'vitest';
import { checkYggFleet, parseYggVersion, yggFamily } from '../../../src/stack/ygg-versions.js';

describe('parseYggVersion', () => {
  it('reads an installed package, and a missing or removed one as not installed', () => {
    expect(parseYggVersion('a', 'install ok installed\t0.5.12-1\n')).toEqual({
      host: 'a',
      installed: '0.5.12-1',
    });
    expect(parseYggVersion('a', 'install ok installed\t1:0.4.7-1+b5\n')).toEqual({
      host: 'a',
      installed: '0.4.7-1+b5',
    });
    expect(parseYggVersion('a', '')).toEqual({ host: 'a' });
    expect(parseYggVersion('a', 'deinstall ok config-files\t0.4.7-1\n')).toEqual({ host: 'a' });
  });

  it('refuses a version of any other form, naming the host', () => {
    expect(() => parseYggVersion('ingress-1', "install ok installed\t{{ lookup('env','X') }}")).toThrow(
      /ingress-1: dpkg reports a malformed yggdrasil version/,
    );
  });
});

describe('checkYggFleet', () => {
  it('groups versions by protocol family', () => {
    expect(yggFamily('0.5.12-1')).toBe('0.5');
    expect(yggFamily('0.4.7-1+b5')).toBe('0.4');
    expect(yggFamily('1.2.0')).toBe('1');
  });

  it('accepts bare nodes and nodes already on 0.5', () => {
    expect(() => checkYggFleet([{ host: 'a' }, { host: 'b', installed: '0.5.12-1' }])).not.toThrow();
  });

  it('refuses a fleet that would mix 0.4 and 0.5, naming every node and both versions', () => {
    const run = (): void =>
      checkYggFleet([
        { host: 'ingress-1', installed: '0.4.7-1' },
        { host: 'ingress-2' },
        { host: 'proxy', installed: '0.5.12-1' },
      ]);
    expect(run).toThrow(/0\.4 and 0\.5 cannot peer/);
    expect(run).toThrow(/0\.4 on ingress-1 \(0\.4\.7-1 installed\)/);
    expect(run).toThrow(/0\.5 on ingress-2 \(0\.5, to be installed\), proxy \(0\.5\.12-1 installed\)/);
    expect(run).toThrow(/nothing was changed/);
  });

  it('refuses a fleet entirely on 0.4, which cannot join the public mesh', () => {
    expect(() => checkYggFleet([{ host: 'a', installed: '0.4.7-1' }])).toThrow(/needs 0\.5 on every node/);
  });
});
