import { statSync } from 'node:fs';
import { join } from 'node:path';
import express, { type Response, type Router } from 'express';
import { PROJECT_ROOT } from '../common/paths';

/** Where `npm run studio` (run by `npm ci` through prepare, and by `npm run build`) writes the bundle. */
export const STUDIO_BUNDLE_DIR = join(PROJECT_ROOT, 'dist', 'studio');

/**
 * The studio's pages load only what this service serves: its own script and
 * stylesheet, and GraphQL requests to this origin. No inline script, no other
 * host (the studio works offline).
 */
export const STUDIO_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const ASSETS: Record<string, string> = {
  'main.js': 'application/javascript; charset=utf-8',
  'main.css': 'text/css; charset=utf-8',
  'main.js.map': 'application/json; charset=utf-8',
  'main.css.map': 'application/json; charset=utf-8',
};

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/** A version of the built file (size and time), so that a rebuilt bundle gets a new URL and caches can keep the old one forever. */
function version(file: string): string | null {
  try {
    const stats = statSync(join(STUDIO_BUNDLE_DIR, file));
    return `${stats.size.toString(36)}-${Math.floor(stats.mtimeMs).toString(36)}`;
  } catch {
    return null;
  }
}

function page(settings: Record<string, string>, script: string, style: string): string {
  const meta = Object.entries(settings)
    .map(([name, value]) => `<meta name="studio-${name}" content="${escapeAttribute(value)}">`)
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Segment studio</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
${meta}
<link rel="icon" href="data:,">
<link rel="stylesheet" href="assets/main.css?v=${style}">
<script src="assets/main.js?v=${script}" defer></script>
</head>
<body>
<div id="root"></div>
<noscript>The segment studio needs JavaScript.</noscript>
</body>
</html>
`;
}

function secure(res: Response): void {
  res.setHeader('Content-Security-Policy', STUDIO_CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
}

/**
 * The segment studio (README, "Studio"): one HTML page whose views are hash
 * routes, and the bundle esbuild made from src/studio/. It talks to the
 * public /graphql only. Mounted at /studio.
 */
export function studioRouter(settings: { auth: 'open' | 'keys'; playground: boolean }): Router {
  const router = express.Router();
  router.get('/assets/:file', (req, res) => {
    const type = ASSETS[req.params.file];
    if (!type) {
      res.status(404).type('text/plain').send('not found');
      return;
    }
    secure(res);
    // A versioned URL never changes content: cache it for good. Without the version, revalidate.
    const versioned = typeof req.query.v === 'string';
    res.sendFile(
      join(STUDIO_BUNDLE_DIR, req.params.file),
      {
        headers: {
          'Content-Type': type,
          'Cache-Control': versioned ? 'public, max-age=31536000, immutable' : 'no-cache',
        },
        cacheControl: false,
      },
      (error) => {
        if (error && !res.headersSent) res.status(404).type('text/plain').send('not found');
      },
    );
  });
  router.get('/', (req, res) => {
    if (!req.originalUrl.split('?')[0].endsWith('/')) {
      // Relative asset URLs need the trailing slash.
      res.redirect(301, `${req.baseUrl}/`);
      return;
    }
    const script = version('main.js');
    const style = version('main.css');
    secure(res);
    res.setHeader('Cache-Control', 'no-cache');
    if (!script || !style) {
      res
        .status(503)
        .type('text/plain')
        .send('The studio is not built: run `npm run build` (or `npm ci`), which bundles src/studio/.\n');
      return;
    }
    res
      .type('html')
      .send(page({ auth: settings.auth, playground: settings.playground ? 'on' : 'off' }, script, style));
  });
  return router;
}
