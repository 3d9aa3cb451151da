import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import express, { type Response, type Router } from 'express';
import type { ReportRegistry } from './registry.js';

/** How long an asset link stays valid after the call that returned it (GIA: 60 minutes). */
export const assetLinkLifetimeMs = 60 * 60 * 1000;

/** Each `Links` field GIA serves, with the `ReportAsset` code and description of the same file. */
export const assetKinds: Readonly<Record<string, readonly [code: string, description: string]>> = {
  pdf: ['REPORT_FACSIMILE_PDF', 'Report facsimile PDF'],
  proportions_diagram: ['PROPORTIONS_DIAGRAM', 'Proportions diagram'],
  plotting_diagram: ['PLOTTING_DIAGRAM', 'Plotting diagram'],
  image: ['ITEM_IMAGE', 'Item image'],
  rough_image: ['ROUGH_ITEM_IMAGE', 'Rough item image'],
  rough_video: ['ROUGH_ITEM_VIDEO', 'Rough item video'],
  polished_image: ['POLISHED_ITEM_IMAGE', 'Polished item image'],
  polished_video: ['POLISHED_ITEM_VIDEO', 'Polished item video'],
  dtl_pdf_filename: ['DTL_PDF', 'Diamond type letter PDF'],
  dttl_pdf_filename: ['DTTL_PDF', 'Diamond type letter PDF'],
  dtlp_pdf_filename: ['DTLP_PDF', 'Diamond type letter PDF'],
  dtlp_image_filename: ['DTLP_IMAGE', 'Diamond type letter image'],
  aset_image: ['ASET_IMAGE', 'Light performance image'],
  ideal_report_pdf: ['IDEAL_REPORT_PDF', 'Ideal report PDF'],
  digital_card: ['DIGITAL_CARD', 'Digital card'],
  qr_code_image: ['QR_CODE_IMAGE', 'QR code image'],
  custom_inscription_image: ['CUSTOM_INSCRIPTION_IMAGE', 'Custom inscription image'],
};

/** A presigned asset link, as `ReportAsset` carries it. */
export interface ReportAsset {
  asset_type_code: string;
  asset_type_description: string;
  link: string;
}

/** Signs asset URLs the way a presigned object-store link works: a path, an expiry and an HMAC. */
export class AssetSigner {
  private readonly secret = randomBytes(32);

  constructor(private readonly now: () => number) {}

  /** Signed `links` and the same links as `assets`, valid for an hour from now. */
  present(
    baseUrl: string,
    reportNumber: string,
    links: Readonly<Record<string, string | null>> | null | undefined,
  ): { links: Record<string, string>; assets: ReportAsset[] } {
    const expires = Math.floor((this.now() + assetLinkLifetimeMs) / 1000);
    const signed: Record<string, string> = {};
    const assets: ReportAsset[] = [];
    for (const [kind, value] of Object.entries(links ?? {})) {
      const meta = assetKinds[kind];
      if (value === null || !meta) continue;
      const path = `${encodeURIComponent(reportNumber)}/${kind}`;
      signed[kind] = `${baseUrl}/assets/${path}?expires=${expires}&sig=${this.signature(path, expires)}`;
      assets.push({ asset_type_code: meta[0], asset_type_description: meta[1], link: signed[kind] });
    }
    return { links: signed, assets };
  }

  /** Checks a link: its signature first (a forged expiry must not pass), then its age. */
  check(reportNumber: string, kind: string, expires: string, sig: string): 'valid' | 'expired' | 'forged' {
    const path = `${encodeURIComponent(reportNumber)}/${kind}`;
    const seconds = Number(expires);
    if (!/^\d+$/.test(expires) || !/^[0-9a-f]{64}$/.test(sig)) return 'forged';
    const expected = Buffer.from(this.signature(path, seconds), 'hex');
    if (!timingSafeEqual(expected, Buffer.from(sig, 'hex'))) return 'forged';
    return seconds * 1000 < this.now() ? 'expired' : 'valid';
  }

  private signature(path: string, expires: number): string {
    return createHmac('sha256', this.secret).update(`${path}\n${expires}`).digest('hex');
  }
}

/** `GET /assets/:report/:kind?expires=&sig=`: serves a report's files while the link is valid. */
export function assetRoutes(signer: AssetSigner, registry: ReportRegistry, now: () => number): Router {
  const router = express.Router();
  router.get('/assets/:report/:kind', (req, res) => {
    const { report, kind } = req.params;
    const expires = typeof req.query.expires === 'string' ? req.query.expires : '';
    const sig = typeof req.query.sig === 'string' ? req.query.sig : '';
    const verdict = signer.check(report, kind, expires, sig);
    if (verdict === 'forged') {
      storageError(res, 403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match');
      return;
    }
    if (verdict === 'expired') {
      const times = `<Expires>${isoSeconds(Number(expires) * 1000)}</Expires><ServerTime>${isoSeconds(now())}</ServerTime>`;
      storageError(res, 403, 'AccessDenied', 'Request has expired', times);
      return;
    }
    const file = registry.resolve(report)?.report.links?.[kind];
    if (file === undefined || file === null) {
      storageError(res, 404, 'NoSuchKey', 'The specified key does not exist.');
      return;
    }
    res
      .type(contentType(file))
      .set('Content-Disposition', `inline; filename="${file}"`)
      .send(placeholder(file));
  });
  return router;
}

function storageError(res: Response, status: number, code: string, message: string, extra = ''): void {
  const requestId = randomBytes(8).toString('hex').toUpperCase();
  res
    .status(status)
    .type('application/xml')
    .send(
      `<Error><Code>${code}</Code><Message>${message}</Message>${extra}<RequestId>${requestId}</RequestId></Error>`,
    );
}

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function contentType(file: string): string {
  if (file.endsWith('.pdf')) return 'application/pdf';
  if (file.endsWith('.mp4')) return 'video/mp4';
  if (file.endsWith('.jpg') || file.endsWith('.jpeg')) return 'image/jpeg';
  return 'image/png';
}

/** Small stand-in bytes: the registry serves the right type and name, not the real scans. */
function placeholder(file: string): Buffer {
  if (file.endsWith('.pdf')) return Buffer.from(`%PDF-1.4\n% ${file}\n%%EOF\n`);
  return Buffer.from(`placeholder for ${file}\n`);
}
