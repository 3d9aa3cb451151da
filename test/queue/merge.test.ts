import { describe, expect, it } from 'vitest';
import { mergePlatformView, unionEvents } from '../../src/sync/merge.js';
import type { DiamondRecord } from '../../src/types/diamond.js';

const bridge: DiamondRecord = {
  schemaVersion: '1',
  id: 'tb_merge000001',
  kind: 'rough',
  owner: { org: 'demo-mining' },
  identifiers: { producerRef: 'DM-0001', roughControlNumber: 'RCN-1' },
  origin: { country: 'CA', producer: 'Demo Mining Ltd', mine: 'Diavik' },
  rough: { caratWeight: 3.007 },
  events: [{ type: 'registered', at: '2024-01-01T00:00:00Z', platform: 'tracr', ref: 'tx-1' }],
};

describe('merging a platform view into the bridge record', () => {
  it('lets the authoritative platform overwrite its groups member by member, keeping what it lacks', () => {
    const view: DiamondRecord = {
      schemaVersion: '1',
      kind: 'rough',
      origin: { country: 'BW' },
      owner: { org: 'antwerp-cutting' },
    };
    const merged = mergePlatformView(bridge, view, {
      platform: 'tracr',
      authoritative: ['origin', 'custody'],
    });
    expect(merged.origin).toEqual({ country: 'BW', producer: 'Demo Mining Ltd', mine: 'Diavik' });
    expect(merged.id).toBe('tb_merge000001');
  });

  it('never takes owner.org from a platform, even one authoritative for custody', () => {
    const view: DiamondRecord = {
      schemaVersion: '1',
      kind: 'rough',
      owner: { org: 'Antwerp Cutting Works' },
    };
    const merged = mergePlatformView(bridge, view, { platform: 'tracr', authoritative: ['custody'] });
    expect(merged.owner).toEqual(bridge.owner);
    expect(
      mergePlatformView(undefined, view, { platform: 'tracr', authoritative: ['custody'] }).owner,
    ).toBeUndefined();
  });

  it("keeps the ledger's precise weight and measurements when GIA's printed ones agree within tolerance", () => {
    const ledger: DiamondRecord = {
      ...bridge,
      kind: 'polished',
      polished: {
        shape: 'round',
        caratWeight: 0.514,
        measurements: { minDiameterMm: 6.45, maxDiameterMm: 6.48, depthMm: 3.98 },
      },
    };
    const gia = (caratWeight: number, minDiameterMm: number): DiamondRecord => ({
      schemaVersion: '1',
      kind: 'polished',
      polished: {
        shape: 'round',
        caratWeight,
        color: { scale: 'DZ', grade: 'E' },
        measurements: { minDiameterMm, maxDiameterMm: 6.48, depthMm: 3.98 },
      },
    });
    const agreeing = mergePlatformView(ledger, gia(0.51, 6.47), {
      platform: 'gia',
      authoritative: ['grading'],
    });
    expect(agreeing.polished?.caratWeight).toBe(0.514);
    expect(agreeing.polished?.measurements).toEqual(ledger.polished?.measurements);
    expect(agreeing.polished?.color).toEqual({ scale: 'DZ', grade: 'E' });
    const regraded = mergePlatformView(ledger, gia(0.52, 6.55), {
      platform: 'gia',
      authoritative: ['grading'],
    });
    expect(regraded.polished?.caratWeight).toBe(0.52);
    expect(regraded.polished?.measurements).toEqual({
      minDiameterMm: 6.55,
      maxDiameterMm: 6.48,
      depthMm: 3.98,
    });
  });

  it('lets a platform that is not authoritative only fill gaps', () => {
    const view: DiamondRecord = {
      schemaVersion: '1',
      kind: 'polished',
      origin: { country: 'ZA' },
      polished: { shape: 'round', caratWeight: 1.01 },
      grading: { lab: 'GIA', reportNumber: '2141438171', reportDate: '2019-09-01' },
    };
    const merged = mergePlatformView(bridge, view, { platform: 'gia', authoritative: ['grading'] });
    expect(merged.origin?.country).toBe('CA');
    expect(merged.grading?.reportNumber).toBe('2141438171');
    expect(merged.polished?.caratWeight).toBe(1.01);
    expect(merged.kind).toBe('polished');
  });

  it('unions identifiers, the authoritative side winning a disagreement', () => {
    const view: DiamondRecord = {
      schemaVersion: '1',
      kind: 'rough',
      identifiers: { tracrId: 'TRACR-3007A0000003', producerRef: 'OTHER' },
    };
    expect(mergePlatformView(bridge, view, { platform: 'tracr', authoritative: [] }).identifiers).toEqual({
      producerRef: 'DM-0001',
      roughControlNumber: 'RCN-1',
      tracrId: 'TRACR-3007A0000003',
    });
    expect(
      mergePlatformView(bridge, view, { platform: 'tracr', authoritative: ['identifiers'] }).identifiers
        ?.producerRef,
    ).toBe('OTHER');
  });

  it('never mixes a D-to-Z colour with a fancy one', () => {
    const base: DiamondRecord = {
      ...bridge,
      kind: 'polished',
      polished: { shape: 'round', caratWeight: 1, color: { scale: 'DZ', grade: 'E' } },
    };
    const view: DiamondRecord = {
      schemaVersion: '1',
      kind: 'polished',
      polished: {
        shape: 'round',
        caratWeight: 1,
        color: { scale: 'fancy', intensity: 'INT', hue: 'yellow' },
      },
    };
    const merged = mergePlatformView(base, view, { platform: 'gia', authoritative: ['grading'] });
    expect(merged.polished?.color).toEqual({ scale: 'fancy', intensity: 'INT', hue: 'yellow' });
  });

  it('unions events without duplicates, in time order, and merging twice changes nothing', () => {
    const view: DiamondRecord = {
      schemaVersion: '1',
      kind: 'rough',
      events: [
        { type: 'transferred', at: '2024-03-01T00:00:00Z', platform: 'tracr', ref: 'tx-3' },
        { type: 'registered', at: '2024-01-01T00:00:00Z', platform: 'tracr', ref: 'tx-1' },
        { type: 'sold', at: '2024-02-01T00:00:00+01:00', platform: 'tracr', ref: 'tx-2' },
      ],
      extensions: { tracr: { assurance: 'ASSURED' } },
    };
    const source = { platform: 'tracr', authoritative: ['custody', 'origin'] } as const;
    const once = mergePlatformView(bridge, view, source);
    expect(once.events?.map((event) => event.ref)).toEqual(['tx-1', 'tx-2', 'tx-3']);
    expect(once.extensions).toEqual({ tracr: { assurance: 'ASSURED' } });
    expect(mergePlatformView(once, view, source)).toEqual(once);
  });

  it('keeps two events of one type without refs apart by their time', () => {
    const events = unionEvents(
      [{ type: 'shipped', at: '2024-01-02T00:00:00Z', platform: 'gia' }],
      [
        { type: 'shipped', at: '2024-01-01T00:00:00Z', platform: 'gia' },
        { type: 'shipped', at: '2024-01-02T00:00:00Z', platform: 'gia' },
      ],
    );
    expect(events.map((event) => event.at)).toEqual(['2024-01-01T00:00:00Z', '2024-01-02T00:00:00Z']);
  });

  it('takes a new stone from the platform view as it is, without the bridge-kept sources', () => {
    const view: DiamondRecord = {
      ...bridge,
      sources: { tracr: { ref: 'x', syncedAt: '2024-01-01T00:00:00Z', hash: 'a'.repeat(64) } },
    };
    const merged = mergePlatformView(undefined, view, { platform: 'tracr', authoritative: [] });
    expect(merged.sources).toBeUndefined();
    expect(merged.identifiers).toEqual(bridge.identifiers);
  });
});
