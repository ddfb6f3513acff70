import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import t from 'tap';
import { ApiClient, ApiRequestError } from '../../src/client/api-client.js';

interface Seen {
  method: string;
  url: string;
  auth: string | undefined;
  type: string | undefined;
  body: string;
}

async function stub(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<{ url: string; server: Server; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, type: req.headers['content-type'], body });
      handler(req, res, body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
  return { url: `http://127.0.0.1:${port}`, server, seen };
}

const send = (res: ServerResponse, status: number, body: unknown): void => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
};

for (const transport of ['fetch', 'node-http'] as const) {
  t.test(`requests and answers (${transport})`, async (t) => {
    const s = await stub((req, res) => {
      if (req.url === '/status') return send(res, 200, { height: 7 });
      if (req.url === '/txs') return send(res, 202, { txid: 'ab', status: 'accepted' });
      if (req.url?.startsWith('/subjects/')) return send(res, 200, { items: [] });
      if (req.url === '/mining/stop') return send(res, 200, { enabled: false });
      send(res, 404, { error: { code: 'NOT_FOUND', message: 'nope' } });
    });
    t.teardown(() => s.server.close());
    const c = new ApiClient({ url: `${s.url}/`, token: 'tok', transport });
    t.teardown(() => c.close());
    t.equal(c.url, s.url, 'trailing slash dropped');
    t.same(await c.status(), { height: 7 });
    t.same(await c.submitTx('00ff'), { txid: 'ab', status: 'accepted' });
    t.match(s.seen.at(-1), { method: 'POST', type: 'application/json', body: '{"tx":"00ff"}', auth: undefined }, 'no token on open routes');
    await c.subjectActions('a b/c', { limit: 5, reverse: true });
    t.equal(s.seen.at(-1)!.url, '/subjects/a%20b%2Fc/actions?limit=5&reverse=true');
    t.same(await c.stopMining(), { enabled: false });
    t.match(s.seen.at(-1), { method: 'POST', auth: 'Bearer tok', type: undefined, body: '' }, 'admin: bearer token, no body');
    const err = await c.block(5).catch((e: unknown) => e);
    t.type(err, ApiRequestError);
    t.match(err, { code: 'NOT_FOUND', message: 'nope', status: 404 });
  });

  t.test(`failures without an API error body (${transport})`, async (t) => {
    const s = await stub((req, res) => {
      if (req.url === '/status') return send(res, 502, '<html>bad gateway</html>');
      if (req.url === '/health') return send(res, 200, 'not json');
      setTimeout(() => send(res, 200, {}), 2000);
    });
    t.teardown(() => {
      s.server.closeAllConnections();
      s.server.close();
    });
    const c = new ApiClient({ url: s.url, timeoutMs: 300, transport });
    t.teardown(() => c.close());
    await t.rejects(c.status(), { code: 'HTTP_502', status: 502 });
    await t.rejects(c.health(), { code: 'API_BAD_RESPONSE' });
    await t.rejects(c.mining(), { code: 'API_TIMEOUT' });
    await t.rejects(c.stopMining(), { code: 'AUTH_REQUIRED' }, 'admin routes need a token before any request');
  });

  t.test(`unreachable node and bad URLs (${transport})`, async (t) => {
    const s = await stub(() => undefined);
    await new Promise((r) => s.server.close(r));
    const c = new ApiClient({ url: s.url, transport });
    const err = (await c.status().catch((e: unknown) => e)) as Error & { code: string };
    t.equal(err.code, 'API_UNREACHABLE');
    t.match(err.message, s.url, 'names the URL');
    t.match(err.message, /ECONNREFUSED/);
    t.throws(() => new ApiClient({ url: 'not a url' }), { code: 'API_BAD_URL' });
    t.throws(() => new ApiClient({ url: 'ftp://x' }), { code: 'API_BAD_URL' });
  });
}
