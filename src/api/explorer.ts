import { existsSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { packageRoot } from '../package-root.js';

/**
 * Content-Security-Policy of the explorer: scripts, styles and connections from this origin only, no inline
 * script or markup styles, no plugins, no framing. Record data is rendered as text, so a record holding markup
 * can do nothing even if a renderer slipped.
 */
export const EXPLORER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/** Folder of the built explorer (dist/explorer under the package root), or undefined when it was not built. */
export function explorerDir(root = packageRoot()): string | undefined {
  const dir = join(root, 'dist', 'explorer');
  return existsSync(join(dir, 'index.html')) ? dir : undefined;
}

/** Paths (`/a/b.js`) of the files under `dir`, dot-files and dot-folders left out, as glob's `**` lists them. */
function builtFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'))
    .filter((p) => !p.split('/').some((part) => part.startsWith('.')))
    .map((p) => `/${p}`)
    .sort();
}

/**
 * Serve the built explorer: `/` is its page and its assets sit beside it. The explorer routes with the URL
 * fragment (`/#/block/12`), so the API keeps the whole path space and a deep link never shadows an API route.
 * Returns false (and serves nothing) when the explorer was not built.
 */
export async function registerExplorer(app: FastifyInstance, dir = explorerDir()): Promise<boolean> {
  if (dir === undefined) return false;
  // Loaded here, not at the top: `explorerDir` callers (the start command) do not need it.
  const { default: fastifyStatic } = await import('@fastify/static');
  // The page and its assets hold no data (it reads the API like any client): open even with api.requireAuth.
  await app.register(async (scope) => {
    scope.addHook('onRoute', (route) => {
      route.config = { ...route.config, scope: 'public' };
    });
    await scope.register(fastifyStatic, {
      root: dir,
      // The routes are added below; the plugin serves their files (reply.sendFile), with its headers and encodings.
      serve: false,
      index: ['index.html'],
      cacheControl: false,
      preCompressed: true,
      setHeaders: (reply, path) => {
        void reply.header('content-security-policy', EXPLORER_CSP);
        void reply.header('x-content-type-options', 'nosniff');
        void reply.header('referrer-policy', 'no-referrer');
        // The page itself is always revalidated; assets carry a content hash in their name and never change.
        void reply.header('cache-control', /-[A-Z0-9]{8}\.(js|css)(\.br|\.gz)?$/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
    // One route per built file (no catch-all), so unknown paths keep the API's NOT_FOUND error, and `/` for the
    // page: what the plugin's own `wildcard: false` registers, listed here instead of by its glob dependency (the
    // largest part of loading the plugin, and a directory walk before the API can listen).
    for (const file of ['/', ...builtFiles(dir)]) {
      scope.route({
        method: ['GET', 'HEAD'],
        url: file,
        schema: { hide: true },
        handler: (_req, reply) => reply.sendFile(file),
        // As the plugin's routes: a client gone mid-file ends the request, not an error reply.
        errorHandler: (err, req, reply) => {
          if ((err as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE') {
            req.raw.destroy();
            return;
          }
          return scope.errorHandler(err, req, reply);
        },
      });
    }
  });
  return true;
}
