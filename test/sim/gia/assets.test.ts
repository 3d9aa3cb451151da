import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGiaSimulator } from '../../../sim/gia/index.js';
import { postGraphql, startTestGia } from './support.js';

let clock = Date.parse('2024-05-01T12:00:00Z');
let gia: RunningGiaSimulator;
beforeAll(async () => {
  gia = await startTestGia({ now: () => clock });
});
afterAll(async () => {
  await gia.close();
});

async function links(reportNumber: string): Promise<Record<string, string | null>> {
  const reply = await postGraphql(
    gia.url,
    `{ getReport(report_number: "${reportNumber}") { links { pdf proportions_diagram plotting_diagram rough_video } } }`,
  );
  return (reply.body.data as { getReport: { links: Record<string, string | null> } }).getReport.links;
}

describe('GIA simulator: asset links', () => {
  it('serves a fresh link without any API key, with the file’s type', async () => {
    const { pdf, plotting_diagram } = await links('2141438171');
    expect(plotting_diagram).toBeNull();
    const response = await fetch(pdf!);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(await response.text()).toMatch(/^%PDF-1\.4/);
  });

  it('sets the expiry 60 minutes after the call', async () => {
    const { pdf } = await links('2141438171');
    expect(new URL(pdf!).searchParams.get('expires')).toBe(String((clock + 3_600_000) / 1000));
  });

  it('still serves a link at 59 minutes and answers 403 "Request has expired" after 60', async () => {
    const { rough_video } = await links('6204489100');
    clock += 59 * 60_000;
    expect((await fetch(rough_video!)).status).toBe(200);
    clock += 2 * 60_000;
    const expired = await fetch(rough_video!);
    expect(expired.status).toBe(403);
    const body = await expired.text();
    expect(body).toContain('<Code>AccessDenied</Code><Message>Request has expired</Message>');
    expect(body).toMatch(/<Expires>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ<\/Expires><ServerTime>/);
  });

  it('refuses a link whose expiry was pushed forward by hand (the signature no longer matches)', async () => {
    const { pdf } = await links('2141438171');
    const forged = new URL(pdf!);
    forged.searchParams.set('expires', String(Number(forged.searchParams.get('expires')) + 86_400));
    const response = await fetch(forged);
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
  });
});
