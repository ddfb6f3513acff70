// Issue 12, faults 9, 10 and 15 against a real node process: slow-body requests time out and open connections
// are capped; per-route body limits, a JSON depth guard and a real rate limit; the Host header is checked.
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import t from 'tap';
import { resolveConfig } from '../../src/config/resolve.js';
import { startNode, tempDir, ensureBuilt, type NodeProcess } from './support.js';

ensureBuilt();

interface Reply {
  status: number;
  body: string;
}

/** One request over node:http, which (unlike fetch) lets the test set any Host header. */
function raw(url: string, o: { method?: string; path: string; host?: string; body?: string; contentType?: string; token?: string }): Promise<Reply> {
  const u = new URL(url);
  return new Promise((res, rej) => {
    const headers: Record<string, string> = { host: o.host ?? u.host };
    if (o.body !== undefined) headers['content-type'] = o.contentType ?? 'application/json';
    if (o.token !== undefined) headers.authorization = `Bearer ${o.token}`;
    const req = request({ host: u.hostname, port: Number(u.port), method: o.method ?? 'GET', path: o.path, headers, agent: false }, (r) => {
      let body = '';
      r.setEncoding('utf8');
      r.on('data', (d: string) => (body += d));
      r.on('end', () => res({ status: r.statusCode ?? 0, body }));
    });
    // The server may answer (413) and close before a large body is all written: the answer is what counts.
    req.on('error', (err) => setTimeout(() => rej(err), 2_000));
    req.end(o.body);
  });
}

function code(r: Reply): string | undefined {
  try {
    return (JSON.parse(r.body) as { error?: { code?: string } }).error?.code;
  } catch {
    return undefined;
  }
}

/** A socket that sends request headers announcing a body, then one byte of it, then nothing. */
function slowBody(url: string): Promise<{ socket: Socket; closed: Promise<string> }> {
  const u = new URL(url);
  return new Promise((res, rej) => {
    const socket = connect({ host: u.hostname, port: Number(u.port) }, () => {
      socket.write(`POST /txs HTTP/1.1\r\nHost: ${u.host}\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{`);
      let got = '';
      socket.on('data', (d: Buffer) => (got += d.toString()));
      const closed = new Promise<string>((done) => socket.once('close', () => done(got)));
      res({ socket, closed });
    });
    socket.once('error', rej);
  });
}

/** Send request headers announcing `length` body bytes and only `prefix` of them; resolve what the server says. */
function announced(url: string, path: string, length: number, prefix: string): Promise<string> {
  const u = new URL(url);
  return new Promise((res, rej) => {
    const socket = connect({ host: u.hostname, port: Number(u.port) }, () => {
      socket.write(`POST ${path} HTTP/1.1\r\nHost: ${u.host}\r\ncontent-type: application/json\r\ncontent-length: ${length}\r\n\r\n${prefix}`);
    });
    let got = '';
    socket.on('data', (d: Buffer) => {
      got += d.toString();
      if (/\r\n\r\n[\s\S]*\}$/.test(got)) socket.destroy();
    });
    socket.once('close', () => res(got));
    socket.once('error', rej);
  });
}

const REQUEST_TIMEOUT_MS = 1_000;
let node: NodeProcess;

t.before(async () => {
  const dir = tempDir(t);
  node = await startNode(t, {
    datadir: join(dir, 'regtest'),
    home: dir,
    mine: false,
    env: {
      CHAIN_NODE_API_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      CHAIN_NODE_API_ALLOWED_HOSTS: 'node.example',
      CHAIN_NODE_API_RATE_LIMIT: '300',
      CHAIN_NODE_API_MAX_CONNECTIONS: '200',
    },
  });
});

t.test('fault 9: slow-body requests time out and /health keeps answering', async (t) => {
  const slow = await Promise.all(Array.from({ length: 100 }, () => slowBody(node.url)));
  t.teardown(() => slow.forEach((s) => s.socket.destroy()));
  t.equal((await raw(node.url, { path: '/health' })).status, 200, '/health answers while 100 bodies trickle');
  const started = Date.now();
  const replies = await Promise.race([Promise.all(slow.map((s) => s.closed)), new Promise<undefined>((r) => setTimeout(() => r(undefined), 20_000))]);
  t.ok(replies !== undefined, `every slow request was cut (after ${Date.now() - started} ms; request timeout ${REQUEST_TIMEOUT_MS} ms)`);
  t.ok(
    replies?.every((r) => r === '' || r.startsWith('HTTP/1.1 408')),
    'with 408 or a closed socket',
  );
  t.equal((await raw(node.url, { path: '/health' })).status, 200, '/health answers after');
});

t.test('fault 9: open connections are capped (api.maxConnections)', async (t) => {
  const u = new URL(node.url);
  const held: Socket[] = [];
  t.teardown(() => held.forEach((s) => s.destroy()));
  // Opened together and fast: the node's short request timeout would otherwise close them first.
  held.push(
    ...(await Promise.all(
      Array.from(
        { length: 200 },
        () =>
          new Promise<Socket>((res, rej) => {
            const s = connect({ host: u.hostname, port: Number(u.port) }, () => res(s));
            s.once('error', rej);
          }),
      ),
    )),
  );
  const outcome = await new Promise<string>((res) => {
    const extra = connect({ host: u.hostname, port: Number(u.port) }, () => extra.write(`GET /health HTTP/1.1\r\nHost: ${u.host}\r\n\r\n`));
    let got = '';
    extra.on('data', (d: Buffer) => (got += d.toString()));
    extra.once('close', () => res(got === '' ? 'closed' : 'served'));
    extra.once('error', () => undefined);
  });
  t.equal(outcome, 'closed', 'the server closes a connection past the cap without serving it');
  held.forEach((s) => s.destroy());
  held.length = 0;
  await new Promise((r) => setTimeout(r, 300));
  t.equal((await raw(node.url, { path: '/health' })).status, 200, 'serves again once connections close');
});

t.test('fault 10: per-route body limits and a JSON depth guard', async (t) => {
  // An 8 MB nested body announced: refused from its length, before a byte of it is parsed.
  const big = await announced(node.url, '/txs', 8_000_000, `{"tx":${'['.repeat(60_000)}`);
  t.match(big, /^HTTP\/1\.1 413 /, 'an 8 MB body to POST /txs is refused before parsing');
  t.match(big, /"code":"BODY_TOO_LARGE"/);
  const deep = '['.repeat(200_000) + ']'.repeat(200_000);
  const batch = await raw(node.url, { method: 'POST', path: '/txs/batch', body: `{"txs":${deep}}` });
  t.equal(batch.status, 400, 'deeply nested JSON to /txs/batch is refused');
  t.equal(code(batch), 'JSON_TOO_DEEP');
  const admin = await raw(node.url, { method: 'POST', path: '/peers/connect', body: JSON.stringify({ addr: 'x'.repeat(64 * 1024) }), token: node.token() });
  t.equal(code(admin), 'BODY_TOO_LARGE', 'other routes take small bodies only');
  const ok = await raw(node.url, { method: 'POST', path: '/txs', body: JSON.stringify({ tx: 'ab'.repeat(60_000) }) });
  t.not(code(ok), 'BODY_TOO_LARGE', 'a transaction-sized body still reaches the decoder');
});

t.test('fault 15: the Host header is checked (DNS rebinding)', async (t) => {
  const port = new URL(node.url).port;
  for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, 'app.localhost', `node.example:${port}`, '10.1.2.3']) {
    t.equal((await raw(node.url, { path: '/status', host })).status, 200, `Host ${host} is served`);
  }
  for (const host of [`evil.example:${port}`, 'attacker.test', `localhost.evil.example:${port}`]) {
    const r = await raw(node.url, { path: '/status', host });
    t.equal(r.status, 403, `Host ${host} is refused`);
    t.equal(code(r), 'HOST_NOT_ALLOWED');
  }
  t.equal(code(await raw(node.url, { path: '/events', host: 'evil.example' })), 'HOST_NOT_ALLOWED', 'event streams too');
});

t.test('fault 10: a real default rate limit, enforced per address', async (t) => {
  t.equal(resolveConfig({ flags: {}, env: {}, home: '/nonexistent' }).config.api.rateLimitPerMinute, 6_000, 'default: 6,000 requests a minute per address');
  let limited = 0;
  for (let i = 0; i < 320; i++) if ((await raw(node.url, { path: '/status' })).status === 429) limited++;
  t.ok(limited > 0, `${limited} of 320 requests were refused past the 300/minute limit`);
  const r = await raw(node.url, { path: '/status' });
  t.equal(code(r), 'RATE_LIMITED');
  t.equal((await raw(node.url, { path: '/health' })).status, 200, '/health is exempt');
});
