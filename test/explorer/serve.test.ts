// Serving the explorer: the built page and assets at / with a strict CSP, the API's paths untouched, and
// --no-explorer (config key api.explorer) turning it off.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { ensureBuilt, ROOT, startNode, tempDir } from '../e2e/support.js';
import { ensureExplorerBuilt } from './browser.js';

ensureBuilt();
ensureExplorerBuilt();

t.test('served at / with its assets; unknown paths stay API errors', async (t) => {
  const dir = tempDir(t);
  const node = await startNode(t, { datadir: join(dir, 'regtest'), home: dir, mine: false });
  const manifest = JSON.parse(readFileSync(join(ROOT, 'dist', 'explorer', 'manifest.json'), 'utf8')) as { app: string; style: string; firstLoad: string[] };
  const page = await fetch(`${node.url}/`);
  t.equal(page.status, 200);
  t.match(page.headers.get('content-type'), /^text\/html/);
  const csp = page.headers.get('content-security-policy') ?? '';
  for (const d of ["default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'", "frame-ancestors 'none'", "object-src 'none'"])
    t.ok(csp.includes(d), d);
  t.equal(page.headers.get('x-content-type-options'), 'nosniff');
  const html = await page.text();
  t.ok(html.includes(`src="${manifest.app}"`), 'the page loads the built app');
  t.notMatch(html, /<script>|\son[a-z]+=/i, 'no inline script or handlers');

  const app = await fetch(`${node.url}/${manifest.app}`, { headers: { 'accept-encoding': 'br' } });
  t.equal(app.status, 200);
  t.match(app.headers.get('content-type'), /javascript/);
  t.match(app.headers.get('cache-control'), /immutable/, 'hashed assets are cached for good');
  t.ok((await app.text()).length > 1000, 'decoded body');

  const missing = await fetch(`${node.url}/no-such-file.js`);
  t.equal(missing.status, 404);
  t.match(await missing.json(), { error: { code: 'NOT_FOUND' } });
  const spec = (await (await fetch(`${node.url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
  t.notOk(
    Object.keys(spec.paths).some((p) => p === '/' || p.endsWith('.js')),
    'static files are not API operations',
  );
  t.ok(spec.paths['/status'] !== undefined);
});

t.test('--no-explorer and CHAIN_NODE_EXPLORER=false turn it off', async (t) => {
  const dir = tempDir(t);
  const off = await startNode(t, { datadir: join(dir, 'a'), home: dir, mine: false, args: ['--api-port', '0', '--no-explorer'] });
  t.notMatch(off.stderr(), /explorer/, 'no explorer URL in the banner');
  const r = await fetch(`${off.url}/`);
  t.equal(r.status, 404);
  t.match(await r.json(), { error: { code: 'NOT_FOUND' } });
  t.equal((await fetch(`${off.url}/status`)).status, 200, 'the API still serves');
  await off.stop();
  const byEnv = await startNode(t, { datadir: join(dir, 'b'), home: dir, mine: false, env: { CHAIN_NODE_EXPLORER: 'false' } });
  t.equal((await fetch(`${byEnv.url}/`)).status, 404);
});
