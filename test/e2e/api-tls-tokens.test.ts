// Issue 15 items 1 and 3 on real node processes: HTTPS with a self-signed certificate made here by openssl
// (the test fails when openssl is missing), SIGHUP swapping the served certificate, clear start errors for bad
// files, the exposure warning; `chain-node token create|list|revoke` against a --require-auth node.
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { get as httpsGet } from 'node:https';
import { join } from 'node:path';
import { connect } from 'node:tls';
import t from 'tap';
import { apiCode, ensureBuilt, errorCode, http, json, runCli, startNode, tempDir, waitFor } from './support.js';

ensureBuilt();

function selfSigned(dir: string, name: string): { cert: string; key: string; fingerprint: string } {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ],
    { stdio: 'ignore' },
  );
  return { cert, key, fingerprint: new X509Certificate(readFileSync(cert)).fingerprint256 };
}

/** Fingerprint of the certificate a fresh TLS connection is served. */
function servedFingerprint(url: string): Promise<string> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const s = connect({ host: u.hostname, port: Number(u.port), rejectUnauthorized: false }, () => {
      resolve(s.getPeerX509Certificate()?.fingerprint256 ?? '');
      s.end();
    });
    s.once('error', reject);
  });
}

function getStatus(url: string, ca: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    httpsGet(`${url}/status`, { ca, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).once('error', reject);
  });
}

t.test('HTTPS, SIGHUP reload, start errors, exposure warning', async (t) => {
  const dir = tempDir(t);
  const one = selfSigned(dir, 'one');
  const two = selfSigned(dir, 'two');
  const cert = join(dir, 'live.crt');
  const key = join(dir, 'live.key');
  copyFileSync(one.cert, cert);
  copyFileSync(one.key, key);
  const datadir = join(dir, 'regtest');
  const node = await startNode(t, { datadir, home: dir, mine: false, args: ['--api-port', '0', '--tls-cert', cert, '--tls-key', key] });
  t.match(node.url, /^https:\/\/127\.0\.0\.1:\d+$/, 'the printed URL is https');
  t.equal(await getStatus(node.url, readFileSync(one.cert)), 200, 'a client trusting the self-signed certificate is served');
  await t.rejects(
    getStatus(node.url, readFileSync(two.cert)),
    { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' },
    'a client trusting another certificate refuses the connection',
  );
  await t.rejects(fetch(`${node.url.replace('https:', 'http:')}/status`), { message: 'fetch failed' }, 'no plain HTTP on the port');
  t.equal(await servedFingerprint(node.url), one.fingerprint);
  t.notMatch(node.stdout(), /API_EXPOSED/, 'loopback: no exposure warning');

  copyFileSync(two.cert, cert);
  copyFileSync(two.key, key);
  node.proc.kill('SIGHUP');
  await waitFor('the new certificate', async () => ((await servedFingerprint(node.url)) === two.fingerprint ? true : undefined), 10_000);
  t.pass('SIGHUP: new connections get the new certificate');
  t.equal(await getStatus(node.url, readFileSync(two.cert)), 200);

  writeFileSync(cert, 'not a certificate');
  node.proc.kill('SIGHUP');
  await waitFor('the reload failure log', async () => (/TLS reload failed/.test(node.stdout()) ? true : undefined), 10_000);
  t.equal(await servedFingerprint(node.url), two.fingerprint, 'a bad file on reload keeps the previous certificate');
  t.equal(node.proc.exitCode, null, 'and the node keeps running');
  const cli = await runCli(['token', 'list', '--network', 'regtest', '--datadir', datadir, '--api', node.url, '--json'], {
    home: dir,
    env: { NODE_EXTRA_CA_CERTS: two.cert },
  });
  t.equal(cli.code, 0, `an admin CLI command over HTTPS with NODE_EXTRA_CA_CERTS: ${cli.stderr}`);
  t.same(json(cli), { tokens: [] });
  const untrusted = await runCli(['chain', 'head', '--network', 'regtest', '--api', node.url, '--json'], { home: dir });
  t.equal(errorCode(untrusted), 'API_UNREACHABLE', 'without trusting the certificate the CLI refuses the connection');
  await node.stop();

  const start = (args: string[]) =>
    runCli(['start', '--network', 'regtest', '--datadir', join(dir, 'bad'), '--no-p2p', '--no-mine', '--api-port', '0', ...args], {
      home: dir,
      timeoutMs: 30_000,
    });
  const missing = await start(['--tls-cert', join(dir, 'nope.crt'), '--tls-key', one.key]);
  t.equal(missing.code, 1);
  t.equal(errorCode(missing), 'TLS_CERT_UNREADABLE', missing.stderr);
  const noKey = await start(['--tls-cert', one.cert, '--tls-key', join(dir, 'nope.key')]);
  t.equal(errorCode(noKey), 'TLS_KEY_UNREADABLE', noKey.stderr);
  const mismatch = await start(['--tls-cert', one.cert, '--tls-key', two.key]);
  t.equal(errorCode(mismatch), 'TLS_INVALID', mismatch.stderr);
  t.match(mismatch.stderr, /does not fit the certificate/);
  const half = await start(['--tls-cert', one.cert]);
  t.equal(errorCode(half), 'TLS_INVALID', half.stderr);
  const garbage = await start(['--tls-cert', one.key, '--tls-key', one.key]);
  t.equal(errorCode(garbage), 'TLS_INVALID', 'a key file given as the certificate');

  const open = await startNode(t, { datadir: join(dir, 'open'), home: dir, mine: false, args: ['--api-port', '0', '--api-host', '0.0.0.0'] });
  await waitFor('the warning', async () => (/API_EXPOSED/.test(open.stdout()) ? true : undefined), 10_000);
  const line = open
    .stdout()
    .split('\n')
    .find((l) => l.includes('API_EXPOSED'))!;
  t.match(line, /beyond loopback, without TLS/);
  t.match(line, /without --require-auth/);
  t.match(JSON.parse(line), { level: 40, code: 'API_EXPOSED', tls: false, requireAuth: false }, 'a warn-level log line');
});

t.test('token CLI against a --require-auth node; tokens survive a restart', async (t) => {
  const dir = tempDir(t);
  const datadir = join(dir, 'regtest');
  const node = await startNode(t, { datadir, home: dir, mine: false, args: ['--api-port', '0', '--require-auth'] });
  const g = ['--network', 'regtest', '--datadir', datadir, '--api', node.url];
  t.equal(apiCode((await http(`${node.url}/status`)).body), 'AUTH_REQUIRED', 'reads need a credential');
  t.equal((await http(`${node.url}/health`)).status, 200, '/health stays open');

  const created = await runCli(['token', 'create', '--scope', 'read', '--name', 'dashboard', '--expires', '30d', '--rate-limit', '600', ...g, '--json'], {
    home: dir,
  });
  t.equal(created.code, 0, created.stderr);
  const c = json<{ token: string; info: { id: string; scopes: string[]; expiresAt: string; rateLimitPerMinute: number } }>(created);
  t.match(c, { token: /^cnt_/, info: { scopes: ['read'], rateLimitPerMinute: 600 } });
  t.ok(Date.parse(c.info.expiresAt) - Date.now() > 29 * 86_400_000, 'expires in 30 days');
  const human = await runCli(['token', 'create', '--scope', 'submit', 'sign:alice', ...g], { home: dir });
  t.match(human.stdout, /^cnt_[0-9a-f]{16}_\S{43}\n\(token [0-9a-f]{16}, scopes submit sign:alice: shown this once/);

  const auth = { authorization: `Bearer ${c.token}` };
  t.equal((await http(`${node.url}/status`, { headers: auth })).status, 200, 'the read token reads');
  const submit = await http(`${node.url}/txs`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{"tx":"00"}' });
  t.same([submit.status, apiCode(submit.body)], [403, 'AUTH_FORBIDDEN'], 'and cannot submit');
  const head = ['chain', 'head', '--network', 'regtest', '--api', node.url, '--json'];
  t.equal(errorCode(await runCli(head, { home: dir })), 'AUTH_REQUIRED', 'CLI reads need a token on a --require-auth node');
  const withToken = await runCli(head, { home: dir, env: { CHAIN_NODE_API_TOKEN: c.token } });
  t.equal(withToken.code, 0, `CHAIN_NODE_API_TOKEN gives the CLI one: ${withToken.stderr}`);
  const badScope = await runCli(['token', 'create', '--scope', 'write', ...g], { home: dir });
  t.equal(errorCode(badScope), 'TOKEN_BAD_REQUEST');

  const list = await runCli(['token', 'list', ...g, '--json'], { home: dir });
  t.equal(list.code, 0, list.stderr);
  t.notMatch(list.stdout, /cnt_/, 'no secrets in the listing');
  t.match(json(list), { tokens: [{ id: c.info.id, name: 'dashboard', scopes: ['read'], state: 'active' }, { scopes: ['submit', 'sign:alice'] }] });

  await node.stop();
  const again = await startNode(t, { datadir, home: dir, mine: false, args: ['--api-port', '0', '--require-auth'] });
  t.equal((await http(`${again.url}/status`, { headers: auth })).status, 200, 'the token works after a restart');
  const g2 = ['--network', 'regtest', '--datadir', datadir, '--api', again.url];
  const revoked = await runCli(['token', 'revoke', c.info.id, ...g2], { home: dir });
  t.equal(revoked.code, 0, revoked.stderr);
  t.match(revoked.stdout, new RegExp(`^revoked ${c.info.id} +revoked`));
  const after = await http(`${again.url}/status`, { headers: auth });
  t.same([after.status, apiCode(after.body)], [401, 'AUTH_REVOKED'], 'refused at once after revocation');
  t.equal(errorCode(await runCli(['token', 'revoke', 'ffffffffffffffff', ...g2], { home: dir })), 'TOKEN_NOT_FOUND');
  const noCookie = await runCli(['token', 'list', '--network', 'regtest', '--datadir', join(dir, 'elsewhere'), '--api', again.url], { home: dir });
  t.equal(errorCode(noCookie), 'AUTH_REQUIRED', 'the token commands need the admin cookie');
});
