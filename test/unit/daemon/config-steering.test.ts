import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDaemonConfig } from '../../../src/daemon/config.js';
import { STEERING_DEFAULTS } from '../../../src/daemon/config-steering.js';
import { fixturePath, loadConfig } from './harness.js';
import { errorOf } from '../../support/error-of.js';

const configError = (text: string, file = 'daemon.yml') => errorOf(() => parseDaemonConfig(text, file));

const base = readFileSync(fixturePath('ingress.yml'), 'utf8');

describe('steering config', () => {
  it('fills in the defaults when the file has no steering section', () => {
    expect(loadConfig('ingress.yml').steering).toEqual(STEERING_DEFAULTS);
    expect(loadConfig('ingress.yml').paths[0]?.backends).toEqual(['home']);
  });

  it('reads thresholds and a list of backends per path', () => {
    const config = loadConfig('ingress-steering.yml');
    expect(config.steering).toEqual({
      ...STEERING_DEFAULTS,
      windowMs: 20_000,
      degradeMs: 200,
      drainMs: 600,
      dwellMs: 5000,
      minWeight: 0,
    });
    expect(config.paths.map((p) => [p.backend, p.backends])).toEqual([
      ['home', ['home', 'home_http']],
      ['home', ['home', 'home_http']],
      ['home', ['home']],
    ]);
  });

  it('refuses thresholds out of order, naming file, line and key', () => {
    const file = fixturePath('bad-steering.yml');
    const err = configError(readFileSync(file, 'utf8'), file);
    expect(err.code).toBe('E_CONFIG');
    expect(err.location).toMatchObject({ file, line: 41, field: 'steering.degradeMs' });
    expect(err.message).toMatch(/above recoverMs \(120\)/);
  });

  it('refuses a wrong type or range with the key and its line', () => {
    const err = configError(`${base}steering:\n  enabled: "yes"\n`);
    expect(err.location).toMatchObject({ field: 'steering.enabled', line: base.split('\n').length + 1 });
    expect(configError(`${base}steering:\n  minWeight: 100\n`).location?.field).toBe('steering.minWeight');
    expect(configError(`${base}steering: 5\n`).message).toMatch(/must be a mapping/);
    expect(
      configError(base.replace('backend: home, server: wan1', 'backend: [], server: wan1')).location,
    ).toMatchObject({ field: 'paths[0].backend', line: 5 });
  });
});
