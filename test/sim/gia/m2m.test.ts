import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { IntakeWrite, RoughRecord, RunningGiaSimulator } from '../../../sim/gia/index.js';
import { giaSampleRoughRecords } from '../../../sim/gia/samples.js';
import { sendJson, startTestGia } from './support.js';

let gia: RunningGiaSimulator;
beforeAll(async () => {
  gia = await startTestGia({ now: () => Date.parse('2024-05-01T12:00:00Z') });
});
afterAll(async () => {
  await gia.close();
});
beforeEach(async () => {
  await fetch(`${gia.url}/admin/reset`, { method: 'POST' });
});

const rough = {
  rough_control_no: 'RCN-BW-24-0100',
  mine_company: 'Demo Mining',
  mine_name: 'Kgale Pit',
  country_of_origin: 'Botswana',
  rough_weight_carats: 3.127,
  kp_certificate: 'KP-BW-2024-000100',
};

async function writes(): Promise<IntakeWrite[]> {
  return (await sendJson(`${gia.url}/admin/writes`, 'GET', undefined, null)).body as IntakeWrite[];
}

describe('GIA simulator: Mine-to-Market intake', () => {
  it('creates a rough record (201) and serves it back by rough_control_no', async () => {
    const created = await sendJson(`${gia.url}/m2m/v1/rough`, 'POST', rough);
    expect(created).toEqual({
      status: 201,
      body: { ...rough, received_at: '2024-05-01T12:00:00.000Z', updated_at: '2024-05-01T12:00:00.000Z' },
    });
    const read = await sendJson(`${gia.url}/m2m/v1/rough/RCN-BW-24-0100`, 'GET');
    expect(read).toEqual({ status: 200, body: created.body });
    expect(await writes()).toEqual([
      { seq: 1, at: '2024-05-01T12:00:00.000Z', op: 'create', rough_control_no: 'RCN-BW-24-0100' },
    ]);
  });

  it('answers a resubmission of the same content with 200 and the existing record, writing nothing', async () => {
    await sendJson(`${gia.url}/m2m/v1/rough`, 'POST', rough);
    const again = await sendJson(`${gia.url}/m2m/v1/rough`, 'POST', { ...rough });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject(rough);
    expect(await writes()).toHaveLength(1);
  });

  it('refuses a resubmission with other content with 409 naming the differing fields, changing nothing', async () => {
    await sendJson(`${gia.url}/m2m/v1/rough`, 'POST', rough);
    const { kp_certificate: _dropped, ...withoutKp } = rough;
    const conflict = await sendJson(`${gia.url}/m2m/v1/rough`, 'POST', {
      ...withoutKp,
      rough_weight_carats: 3.12,
    });
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({
      rough_control_no: rough.rough_control_no,
      fields: ['rough_weight_carats', 'kp_certificate'],
    });
    expect((await sendJson(`${gia.url}/m2m/v1/rough/${rough.rough_control_no}`, 'GET')).body).toMatchObject(
      rough,
    );
    expect(await writes()).toHaveLength(1);
  });

  it('replaces a record with PUT, and a repeated identical PUT writes nothing', async () => {
    await sendJson(`${gia.url}/m2m/v1/rough`, 'POST', rough);
    const { rough_control_no: number, ...fields } = rough;
    const updated = await sendJson(`${gia.url}/m2m/v1/rough/${number}`, 'PUT', {
      ...fields,
      mine_name: 'Kgale Pit East',
    });
    expect(updated).toMatchObject({ status: 200, body: { mine_name: 'Kgale Pit East' } });
    await sendJson(`${gia.url}/m2m/v1/rough/${number}`, 'PUT', { ...fields, mine_name: 'Kgale Pit East' });
    expect((await writes()).map((write) => write.op)).toEqual(['create', 'update']);
  });

  it('refuses a PUT whose body names another rough_control_no than the path', async () => {
    const reply = await sendJson(`${gia.url}/m2m/v1/rough/RCN-OTHER-1`, 'PUT', rough);
    expect(reply).toMatchObject({ status: 400, body: { field: 'rough_control_no' } });
  });

  it.each([
    [{ rough_weight_carats: -1 }, 'rough_weight_carats'],
    [{ rough_weight_carats: 1.2345 }, 'rough_weight_carats'],
    [{ rough_weight_carats: '3.1' }, 'rough_weight_carats'],
    [{ mine_name: '' }, 'mine_name'],
    [{ rough_control_no: 'a b' }, 'rough_control_no'],
    [{ weight_unit: 'ct' }, 'weight_unit'],
  ])('refuses %j with 400 naming %s, and writes nothing', async (patch, field) => {
    const reply = await sendJson(`${gia.url}/m2m/v1/rough`, 'POST', { ...rough, ...patch });
    expect(reply).toMatchObject({ status: 400, body: { field } });
    expect((reply.body as { message: string }).message).toContain(field);
    expect(await writes()).toEqual([]);
  });

  it('refuses a body that is not JSON with 400', async () => {
    const reply = await sendJson(`${gia.url}/m2m/v1/rough`, 'POST', '{"rough_control_no":');
    expect(reply).toMatchObject({ status: 400, body: { field: 'body' } });
  });

  it('answers 404 for an unknown rough_control_no and 403 without the key', async () => {
    expect((await sendJson(`${gia.url}/m2m/v1/rough/RCN-NONE`, 'GET')).status).toBe(404);
    expect(await sendJson(`${gia.url}/m2m/v1/rough`, 'POST', rough, null)).toEqual({
      status: 403,
      body: { message: 'Authorization denied.' },
    });
    expect(await writes()).toEqual([]);
  });

  it('lists every record once in arrival order across pages, next_cursor null on the last', async () => {
    await sendJson(`${gia.url}/m2m/v1/rough`, 'POST', rough);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor === null ? '?limit=4' : `?limit=4&cursor=${cursor}`;
      const page = (await sendJson(`${gia.url}/m2m/v1/rough${query}`, 'GET')).body as {
        items: RoughRecord[];
        next_cursor: string | null;
      };
      seen.push(...page.items.map((item) => item.rough_control_no));
      cursor = page.next_cursor;
    } while (cursor !== null);
    expect(seen).toEqual([...giaSampleRoughRecords.map((r) => r.rough_control_no), rough.rough_control_no]);
  });

  it('refuses a list limit out of range and a cursor it never issued', async () => {
    expect((await sendJson(`${gia.url}/m2m/v1/rough?limit=0`, 'GET')).body).toMatchObject({ field: 'limit' });
    expect((await sendJson(`${gia.url}/m2m/v1/rough?cursor=zzz`, 'GET')).body).toMatchObject({
      field: 'cursor',
    });
  });
});
