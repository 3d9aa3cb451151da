import { describe, expect, it } from 'vitest';
import { StoreInputError } from '../../src/store/index.js';
import { giaView, ledgerView } from './fixtures.js';
import { useStore } from './support.js';

describe('mirrors', () => {
  const { fresh } = useStore();

  it("keeps each platform's view of a stone with when it was read and its ref", async () => {
    const store = fresh();
    await store.mirrors.save('tb_stone_000001', 'tracr', ledgerView(), {
      readAt: '2024-05-01T10:00:00Z',
      ref: 'TRC-1',
    });
    await store.mirrors.save('tb_stone_000001', 'gia', giaView(), {
      readAt: new Date('2024-05-02T10:00:00Z'),
    });
    expect(await store.mirrors.get('tb_stone_000001')).toEqual({
      tracr: { view: ledgerView(), readAt: '2024-05-01T10:00:00.000Z', ref: 'TRC-1' },
      gia: { view: giaView(), readAt: '2024-05-02T10:00:00.000Z' },
    });
    expect(await store.mirrors.get('tb_stone_000002')).toEqual({});
  });

  it('never lets an older read replace a newer one', async () => {
    const store = fresh();
    const id = 'tb_stone_000001';
    expect(await store.mirrors.save(id, 'gia', giaView(), { readAt: '2024-05-02T10:00:00Z' })).toBe(true);
    const stale = giaView({ clarity: 'SI2' });
    expect(await store.mirrors.save(id, 'gia', stale, { readAt: '2024-05-01T10:00:00Z' })).toBe(false);
    expect((await store.mirrors.get(id)).gia?.view).toEqual(giaView());
    expect(await store.mirrors.save(id, 'gia', stale, { readAt: '2024-05-03T10:00:00+02:00' })).toBe(true);
    expect((await store.mirrors.get(id)).gia?.view).toEqual(stale);
  });

  it('reads many stones in the order asked and forgets a platform on request', async () => {
    const store = fresh();
    await store.mirrors.save('tb_stone_000002', 'gia', giaView(), { readAt: '2024-05-02T10:00:00Z' });
    await store.mirrors.save('tb_stone_000001', 'tracr', ledgerView(), { readAt: '2024-05-02T10:00:00Z' });
    const many = await store.mirrors.getMany(['tb_stone_000001', 'tb_stone_000003', 'tb_stone_000002']);
    expect(many.map((mirrors) => Object.keys(mirrors))).toEqual([['tracr'], [], ['gia']]);
    await store.mirrors.remove('tb_stone_000002', 'gia');
    expect(await store.mirrors.get('tb_stone_000002')).toEqual({});
  });

  it('refuses a malformed stone ID, platform name or read time, naming the value', async () => {
    const store = fresh();
    await expect(
      store.mirrors.save('stone-1', 'gia', giaView(), { readAt: '2024-05-02T10:00:00Z' }),
    ).rejects.toThrow(StoreInputError);
    await expect(
      store.mirrors.save('tb_stone_000001', 'GIA', giaView(), { readAt: '2024-05-02' }),
    ).rejects.toThrow(/platform "GIA"/);
    await expect(
      store.mirrors.save('tb_stone_000001', 'gia', giaView(), { readAt: 'yesterday' }),
    ).rejects.toThrow(/gia readAt of tb_stone_000001 "yesterday"/);
  });
});
