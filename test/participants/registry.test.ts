import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { sandboxParticipantKey } from '../../src/ops/processes.js';
import { settleCustody } from '../../src/participants/custody.js';
import { createParticipants, parseOrgs, RegistryError } from '../../src/participants/registry.js';
import type { DiamondRecord } from '../../src/types/diamond.js';

const seed = sandboxParticipantKey('kalahari-mining');

describe('the participants registry (TRACEBRIDGE_ORGS)', () => {
  it('reads entries from JSON or from a file, keys from the entry or a file it names', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tb-orgs-'));
    const keyFile = join(dir, 'antwerp.key');
    writeFileSync(keyFile, sandboxParticipantKey('antwerp-cutting'));
    const entries = [
      {
        org: 'kalahari',
        tracr: { participantId: 'kalahari-mining', privateKey: seed },
        epcis: { gln: '6001234000017' },
      },
      {
        org: 'antwerp',
        tracr: { participantId: 'antwerp-cutting', privateKeyFile: keyFile },
        gia: { account: 'AC-77' },
      },
    ];
    expect(parseOrgs(JSON.stringify(entries))).toEqual(entries);
    const file = join(dir, 'orgs.json');
    writeFileSync(file, JSON.stringify(entries));
    const config = loadConfig({}, { TRACEBRIDGE_ORGS: file });
    expect(config.orgs.map((entry) => entry.org)).toEqual(['kalahari', 'antwerp']);
  });

  it.each([
    [[{ tracr: { participantId: 'x' } }], /entry 0: org must be/],
    [[{ org: 'a' }, { org: 'a' }], /entry 1 \("a"\): org repeats entry 0/],
    [[{ org: 'a', tracr: {} }], /entry 0 \("a"\): tracr.participantId must be a non-empty string/],
    [
      [{ org: 'a', tracr: { participantId: 'p', privateKey: 'not a key' } }],
      /entry 0 \("a"\): tracr.privateKey is not an Ed25519/,
    ],
    [
      [{ org: 'a', tracr: { participantId: 'p', privateKeyFile: '/no/such/key' } }],
      /tracr.privateKeyFile names no file/,
    ],
    [[{ org: 'a', tracr: { participantId: 'p', privateKey: seed, privateKeyFile: '/x' } }], /give one/],
    [[{ org: 'a', epcis: { gln: '12' } }], /epcis.gln must be a 13-digit GLN/],
    [[{ org: 'a', ledger: {} }], /entry 0 \("a"\): ledger is not a known platform/],
    [
      [
        { org: 'a', tracr: { participantId: 'p' } },
        { org: 'b', tracr: { participantId: 'p' } },
      ],
      /entry 1 \("b"\): tracr.participantId "p" is already a's/,
    ],
    [{ org: 'a' }, /must be a JSON array/],
  ])('refuses %j naming the entry and the field', (value, message) => {
    expect(() => parseOrgs(JSON.stringify(value))).toThrow(RegistryError);
    expect(() => parseOrgs(JSON.stringify(value))).toThrow(message);
    expect(() => loadConfig({}, { TRACEBRIDGE_ORGS: JSON.stringify(value) })).toThrow(/TRACEBRIDGE_ORGS/);
  });

  it('never repeats a refused key in its message', () => {
    const secret = 'ab'.repeat(31);
    expect(() =>
      parseOrgs(JSON.stringify([{ org: 'a', tracr: { participantId: 'p', privateKey: secret } }])),
    ).toThrow(/^(?!.*abab).*$/s);
  });

  it('lets the TRACR_PARTICIPANT_ID shorthand act for every organisation without a ledger entry', () => {
    const participants = createParticipants(
      parseOrgs('[{"org": "kalahari", "tracr": {"participantId": "kalahari-mining"}}]'),
      {
        participantId: 'bridge-operator',
      },
    );
    expect(participants.partyOf('kalahari', 'tracr')).toBe('kalahari-mining');
    expect(participants.partyOf('anyone-else', 'tracr')).toBe('bridge-operator');
    expect(participants.orgOf('tracr', 'kalahari-mining')).toBe('kalahari');
    // The shorthand stands for many organisations, so it names none of them.
    expect(participants.orgOf('tracr', 'bridge-operator')).toBeUndefined();
    expect(participants.actsFor('anyone-else', 'tracr', 'bridge-operator')).toBe(true);
  });
});

describe('custody settled through the registry', () => {
  const participants = createParticipants(
    parseOrgs(
      '[{"org": "kalahari", "tracr": {"participantId": "kalahari-mining"}}, {"org": "antwerp", "tracr": {"participantId": "antwerp-cutting"}}]',
    ),
  );
  const stone = (events: DiamondRecord['events']): DiamondRecord => ({
    schemaVersion: '1',
    kind: 'rough',
    owner: { org: 'kalahari' },
    rough: { caratWeight: 1 },
    ...(events ? { events } : {}),
  });
  const registered = {
    type: 'registered',
    at: '2024-01-01T00:00:00Z',
    platform: 'tracr',
    actor: 'kalahari-mining',
    ref: 't1',
  } as const;

  it('changes nothing while the holder acts for the owner', () => {
    const settled = settleCustody(stone([registered]), 'tracr', participants);
    expect(settled.move).toBeUndefined();
    expect(settled.record.owner).toEqual({ org: 'kalahari' });
  });

  it('follows the latest handover, back into the bridge after leaving it', () => {
    const away = {
      type: 'sold',
      at: '2024-02-01T00:00:00Z',
      platform: 'tracr',
      from: 'kalahari-mining',
      to: 'outsider',
      ref: 't2',
    } as const;
    const left = settleCustody(stone([registered, away]), 'tracr', participants);
    expect(left.move?.kind).toBe('left');
    expect(left.record.owner).toEqual({ org: 'kalahari' });
    // Settling the same view again is no change.
    expect(settleCustody(left.record, 'tracr', participants).move).toBeUndefined();
    const back = {
      type: 'transferred',
      at: '2024-03-01T00:00:00Z',
      platform: 'tracr',
      from: 'outsider',
      to: 'antwerp-cutting',
      ref: 't3',
    } as const;
    const moved = settleCustody({ ...left.record, events: [registered, away, back] }, 'tracr', participants);
    expect(moved.record.owner).toEqual({ org: 'antwerp' });
    expect(moved.record.extensions?.['bridge']).toBeUndefined();
    expect(moved.move).toMatchObject({ from: 'kalahari', to: 'antwerp', kind: 'moved' });
  });

  it('ignores handovers other platforms recorded', () => {
    const elsewhere = {
      type: 'sold',
      at: '2024-02-01T00:00:00Z',
      platform: 'epcis',
      to: 'antwerp-cutting',
    } as const;
    expect(settleCustody(stone([registered, elsewhere]), 'tracr', participants).move).toBeUndefined();
  });
});
