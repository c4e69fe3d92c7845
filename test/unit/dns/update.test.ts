import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { stripTsig } from '../../../src/dns/tsig.js';
import type { UpdatePlan } from '../../../src/dns/types.js';
import { buildUpdate, replaceRrset } from '../../../src/dns/update.js';
import {
  CLASS_ANY,
  CLASS_IN,
  CLASS_NONE,
  decodeMessage,
  encodeMessage,
  typeCode,
} from '../../../src/dns/wire.js';

const vectors = JSON.parse(
  readFileSync(new URL('../../fixtures/dns/nsupdate-vectors.json', import.meta.url), 'utf8'),
) as { cases: { name: string; packetHex: string }[] };

const www = 'www.example.test';
/** The same changes the nsupdate scripts in capture-nsupdate.mjs make. */
const plans: Record<string, UpdatePlan> = {
  'add-when-absent': {
    zone: 'example.test',
    prerequisites: [{ kind: 'rrsetAbsent', name: www, type: 'A' }],
    updates: [{ kind: 'add', name: www, type: 'A', ttlS: 60, value: '192.0.2.10' }],
  },
  'replace-value-dependent': {
    zone: 'example.test',
    prerequisites: [{ kind: 'rrsetEquals', name: www, type: 'A', values: ['192.0.2.10', '192.0.2.11'] }],
    updates: [
      { kind: 'deleteRrset', name: www, type: 'A' },
      { kind: 'add', name: www, type: 'A', ttlS: 300, value: '192.0.2.12' },
      { kind: 'add', name: www, type: 'A', ttlS: 300, value: '192.0.2.13' },
    ],
  },
  'mixed-prereqs-and-deletes': {
    zone: 'example.test',
    prerequisites: [
      { kind: 'nameInUse', name: www },
      { kind: 'nameNotInUse', name: 'new.example.test' },
      { kind: 'rrsetExists', name: www, type: 'AAAA' },
    ],
    updates: [
      { kind: 'deleteRr', name: www, type: 'AAAA', value: '2001:db8::1' },
      { kind: 'deleteRrset', name: www, type: 'A' },
      { kind: 'add', name: www, type: 'AAAA', ttlS: 120, value: '2001:db8::2' },
    ],
  },
};

describe('buildUpdate', () => {
  it.each(vectors.cases.map((c) => [c.name, c.packetHex] as const))(
    'encodes the same UPDATE as nsupdate: %s',
    (name, packetHex) => {
      const fromNsupdate = decodeMessage(stripTsig(Buffer.from(packetHex, 'hex'))!.unsigned);
      const plan = plans[name];
      expect(plan).toBeDefined();
      const ours = decodeMessage(buildUpdate(plan!, fromNsupdate.id));
      expect(ours).toEqual(fromNsupdate);
    },
  );

  it('sets opcode UPDATE and one zone question of type SOA', () => {
    const wire = buildUpdate(plans['add-when-absent']!, 7);
    expect((wire.readUInt16BE(2) >> 11) & 0xf).toBe(5);
    expect(decodeMessage(wire).questions).toEqual([{ name: 'example.test', type: 6, class: CLASS_IN }]);
  });

  it('rejects invalid values and TTLs with E_DNS', () => {
    const bad = (updates: UpdatePlan['updates']) => () =>
      buildUpdate({ zone: 'z', prerequisites: [], updates }, 1);
    expect(bad([{ kind: 'add', name: 'a.z', type: 'A', ttlS: 60, value: '300.1.1.1' }])).toThrow(
      /invalid A value/,
    );
    expect(bad([{ kind: 'add', name: 'a.z', type: 'AAAA', ttlS: -1, value: '::1' }])).toThrow(/invalid TTL/);
  });
});

describe('encodeMessage / decodeMessage', () => {
  it('round-trips sections with class NONE/ANY and empty rdata', () => {
    const message = {
      id: 0xbeef,
      flags: 5 << 11,
      questions: [{ name: 'zone.test', type: typeCode('SOA'), class: CLASS_IN }],
      sections: [
        [{ name: 'a.zone.test', type: typeCode('A'), class: CLASS_NONE, ttl: 0, rdata: Buffer.alloc(0) }],
        [
          {
            name: 'a.zone.test',
            type: typeCode('A'),
            class: CLASS_IN,
            ttl: 30,
            rdata: Buffer.from([192, 0, 2, 1]),
          },
        ],
        [{ name: 'key', type: typeCode('TSIG'), class: CLASS_ANY, ttl: 0, rdata: Buffer.from('opaque') }],
      ] as [never[], never[], never[]],
    };
    const wire = encodeMessage(message);
    const { additionalOffsets, ...decoded } = decodeMessage(wire);
    expect(decoded).toEqual(message);
    expect(additionalOffsets).toHaveLength(1);
  });

  it('reports a truncated message as E_DNS', () => {
    const wire = buildUpdate(plans['add-when-absent']!, 1);
    expect(() => decodeMessage(wire.subarray(0, wire.length - 3))).toThrow(/truncated|malformed/);
  });
});

describe('replaceRrset (compare-and-set plan)', () => {
  const base = { zone: 'example.test', name: www, type: 'A' as const, ttlS: 60 };

  it('requires "RRset does not exist" when nothing is expected', () => {
    const plan = replaceRrset({ ...base, expected: [], wanted: ['192.0.2.1'] });
    expect(plan.prerequisites).toEqual([{ kind: 'rrsetAbsent', name: www, type: 'A' }]);
    const [prereq] = decodeMessage(buildUpdate(plan, 1)).sections[0];
    expect(prereq).toMatchObject({ class: CLASS_NONE, type: 1, ttl: 0, rdata: Buffer.alloc(0) });
  });

  it('requires exactly the expected RRset (value-dependent, RFC 2136 2.4.2)', () => {
    const plan = replaceRrset({
      ...base,
      expected: ['192.0.2.1', '192.0.2.2', '192.0.2.1'],
      wanted: ['192.0.2.3'],
    });
    const [prereqs, updates] = decodeMessage(buildUpdate(plan, 1)).sections;
    expect(prereqs.map((r) => [r.class, r.ttl, [...r.rdata].join('.')])).toEqual([
      [CLASS_IN, 0, '192.0.2.1'],
      [CLASS_IN, 0, '192.0.2.2'],
    ]);
    expect(updates.map((r) => [r.class, r.ttl, [...r.rdata].join('.')])).toEqual([
      [CLASS_ANY, 0, ''],
      [CLASS_IN, 60, '192.0.2.3'],
    ]);
  });

  it('deletes the RRset when nothing is wanted', () => {
    const plan = replaceRrset({ ...base, expected: ['192.0.2.1'], wanted: [] });
    expect(plan.updates).toEqual([{ kind: 'deleteRrset', name: www, type: 'A' }]);
  });

  it('refuses a value-dependent prerequisite with no values', () => {
    const plan: UpdatePlan = {
      zone: 'example.test',
      prerequisites: [{ kind: 'rrsetEquals', name: www, type: 'A', values: [] }],
      updates: [],
    };
    expect(() => buildUpdate(plan, 1)).toThrow(/needs values/);
  });
});
