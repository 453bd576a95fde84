import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Router } from 'express';

/** ui/dist, built by `npm install` / `npm run build` (same relative place from engine/src and engine/dist). */
export const defaultUiDirectory = fileURLToPath(new URL('../../../ui/dist', import.meta.url));

const notBuiltPage = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>ForPrompt</title></head>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;line-height:1.5">
<h1>ForPrompt engine is running</h1>
<p>The dashboard has not been built yet. Run <code>npm run build</code> in the repository, then reload this page.</p>
<p>The API is available: <a href="/api/openapi.json">/api/openapi.json</a>, <a href="/readyz">/readyz</a>.</p>
</body></html>`;

/**
 * Serves the built dashboard: hashed assets cached for a year, everything else revalidated, and a
 * single-page-app fallback to index.html for GET requests outside the API (API paths never fall through).
 */
export function staticUi(directory = defaultUiDirectory): Router {
  const router = express.Router();
  const indexFile = path.join(directory, 'index.html');
  router.use(
    '/assets',
    express.static(path.join(directory, 'assets'), { immutable: true, maxAge: '365d', index: false, fallthrough: false }),
  );
  router.use(express.static(directory, { index: false, maxAge: 0 }));
  router.get(/^(?!\/api(?:\/|$)|\/healthz$|\/readyz$|\/clerk-webhook$).*/, (req, res, next) => {
    if (!req.accepts('html')) return next();
    res.setHeader('Cache-Control', 'no-cache');
    if (!fs.existsSync(indexFile)) {
      res.status(200).type('html').send(notBuiltPage);
      return;
    }
    res.sendFile(indexFile);
  });
  return router;
}
