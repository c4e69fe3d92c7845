import { describe, expect, it } from 'vitest';
import { agentUnits } from '../../../src/stack/agents.js';
import { parseSignInput } from '../../../src/stack/sign-input.js';
import { pkiSettings, rollingBatch } from '../../../src/stack/settings.js';

describe('ingress_pki settings', () => {
  it('defaults to the controller, port 9443, 30 days, a check every 300 s', () => {
    expect(pkiSettings({})).toEqual({
      signer: 'controller',
      signerPort: 9443,
      lifetimeDays: 30,
      renewIntervalS: 300,
    });
  });

  it('takes the local proxy and the inventory values', () => {
    const vars = { ingress_pki: { signer: 'local_proxy', signer_port: 9555, cert_lifetime_days: 7 } };
    expect(pkiSettings(vars)).toMatchObject({ signer: 'local_proxy', signerPort: 9555, lifetimeDays: 7 });
  });

  it('refuses an unknown signer location, naming the key', () => {
    expect(() => pkiSettings({ ingress_pki: { signer: 'laptop' } })).toThrow(
      /ingress_pki\.signer must be controller or local_proxy, got "laptop"/,
    );
  });
});

describe('ingress_rolling_batch', () => {
  it('defaults to a quarter of the ingress nodes', () => {
    expect(rollingBatch([{}, {}])).toBe('25%');
  });

  it('takes a count or a percentage the fleet agrees on', () => {
    expect(rollingBatch([{ ingress_rolling_batch: 3 }, { ingress_rolling_batch: 3 }])).toBe(3);
    expect(rollingBatch([{ ingress_rolling_batch: '10%' }])).toBe('10%');
  });

  it('refuses two sizes in one fleet and sizes that are not one', () => {
    expect(() => rollingBatch([{ ingress_rolling_batch: 2 }, {}])).toThrow(
      /must be the same for every ingress node/,
    );
    expect(() => rollingBatch([{ ingress_rolling_batch: 0 }])).toThrow(/ingress_rolling_batch must be/);
    expect(() => rollingBatch([{ ingress_rolling_batch: '150%' }])).toThrow(/percentage/);
  });
});

describe('agent units', () => {
  it('runs the node program: the signer on [::] with the lifetime, the timer at the interval', () => {
    const units = agentUnits({
      signer: 'local_proxy',
      signerPort: 9444,
      lifetimeDays: 12,
      renewIntervalS: 120,
    });
    expect(units.signer).toContain(
      'ExecStart=/usr/bin/node /usr/local/lib/ingress/ingress-node.js pki signer --state-dir /var/lib/ingress/pki --listen' +
        " '[::]:9444' --lifetime-days 12",
    );
    expect(units.renew_service).toContain('pki renew --config /etc/ingress/pki-renew.yml');
    expect(units.renew_timer).toContain('OnUnitActiveSec=120s');
  });
});

describe('stack sign input', () => {
  it('accepts requests with names, CSRs and SANs', () => {
    const input = parseSignInput('{"requests":[{"name":"a","csrPem":"x","sans":["a"]}],"lifetimeDays":3}');
    expect(input.requests[0]?.name).toBe('a');
    expect(input.lifetimeDays).toBe(3);
  });

  it('refuses anything else', () => {
    expect(() => parseSignInput('nope')).toThrow(/not JSON/);
    expect(() => parseSignInput('{"requests":[{"name":"a"}]}')).toThrow(/expected/);
  });
});
