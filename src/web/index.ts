import { join } from 'node:path';
import express, { type Router } from 'express';
import { packageRoot } from '../package-root.js';
import { tradeWordsModule } from './vocabulary.js';

/**
 * The page's folder. The page is shipped as written (no build step), so it is read from the package's
 * `src/web/` both when running from source and from `dist/`.
 */
export const webRoot: string = join(packageRoot, 'src', 'web');

/**
 * The page's own Content-Security-Policy, stricter than helmet's default: nothing inline, nothing from
 * elsewhere, and the only request the script may make is to this origin's API.
 */
export const pageContentSecurityPolicy: string = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const headers = {
  'Content-Security-Policy': pageContentSecurityPolicy,
  // Revalidate every time: a new release must not run a stale script against a newer API.
  'Cache-Control': 'no-cache',
};

// The page's files, by URL. Served by name, never by folder, so the TypeScript beside them stays private.
const files: Readonly<Record<string, string>> = {
  '/': 'index.html',
  '/web/lookup.css': 'lookup.css',
  '/web/lookup.js': 'lookup.js',
  '/web/dom.js': 'dom.js',
  '/web/fields.js': 'fields.js',
  '/web/trade.js': 'trade.js',
  '/web/icon.svg': 'icon.svg',
  '/producer': 'producer.html',
  '/web/producer.css': 'producer.css',
  '/web/producer.js': 'producer.js',
  '/web/platforms.js': 'platforms.js',
};

/**
 * The provenance lookup page (`GET /`), the producer's page (`GET /producer`: imports, platforms, disagreements) and their stylesheets,
 * scripts and icon, and the trade's words generated from the vocabularies (`GET /web/vocabulary.js`), for
 * the API to mount with
 * `app.use(webRoutes())`. Requests for anything else fall through to the next handler.
 */
export function webRoutes(): Router {
  const router = express.Router({ strict: true });
  const vocabulary = tradeWordsModule();
  router.get('/web/vocabulary.js', (_req, res) => {
    res.set(headers).type('text/javascript').send(vocabulary);
  });
  for (const [path, file] of Object.entries(files)) {
    router.get(path, (_req, res, next) => {
      res.sendFile(
        file,
        {
          root: webRoot,
          headers,
        },
        (error) => {
          if (error) next(error);
        },
      );
    });
  }
  return router;
}
