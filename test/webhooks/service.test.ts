// Issue 16 item 6, in process over a real chain, a real LevelDB and a real HTTP receiver on loopback: failed
// deliveries back off and end in the dead-letter list, can be redriven, and are logged; confirmation filters wait
// for depth; the SSRF guard judges addresses (IPv4, IPv6, mapped) and DNS answers; signatures verify.
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import type { Chain } from '../../src/chain/chain.js';
import { HookStore } from '../../src/webhooks/hook-store.js';
import { signatureHeader, verifySignature } from '../../src/webhooks/signature.js';
import { isPublicAddress, resolveTarget } from '../../src/webhooks/target-guard.js';
import { WebhookService, type WebhookOptions } from '../../src/webhooks/webhook-service.js';
import { Actor, extend, mine, openChain, tempDir } from '../utils/chain.js';

const OPTS: WebhookOptions = { allowPrivateTargets: true, maxAttempts: 3, backoffBaseMs: 50, backoffMaxMs: 200, timeoutMs: 2_000, concurrency: 4, logSize: 5 };

async function receiver(t: Test, status: () => number): Promise<{ url: string; bodies: string[] }> {
  const bodies: string[] = [];
  const server: Server = createServer((req, res) => {
    let b = '';
    req.on('data', (d: Buffer) => (b += d.toString()));
    req.on('end', () => {
      bodies.push(b);
      res.writeHead(status()).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  t.teardown(() => {
    server.closeAllConnections();
    server.close();
  });
  const a = server.address();
  return { url: `http://127.0.0.1:${typeof a === 'object' && a !== null ? a.port : 0}/in`, bodies };
}

async function setup(t: Test, opts: Partial<WebhookOptions> = {}): Promise<{ chain: Chain; service: WebhookService; hooks: HookStore }> {
  const dir = await tempDir('webhooks-');
  const { chain, store } = await openChain(join(dir.path, 'chain'));
  const hooks = await HookStore.open(join(dir.path, 'webhooks'));
  const service = new WebhookService({ ...OPTS, ...opts }, { chain, store: hooks });
  service.start();
  t.teardown(async () => {
    await service.stop();
    await chain.idle();
    await hooks.close();
    await store.close();
    await dir.cleanup();
  });
  return { chain, service, hooks };
}

const until = async (what: string, ok: () => Promise<boolean> | boolean): Promise<void> => {
  const deadline = Date.now() + 15_000;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

t.test('a failing receiver: backoff, dead letter after maxAttempts, log, redrive', async (t) => {
  let status = 500;
  const rx = await receiver(t, () => status);
  const { chain, service } = await setup(t);
  const hook = await service.create({ url: rx.url, filter: { subject: 's' } });
  const a = new Actor();
  await chain.processBlock(mine(chain, [a.tx('k', 's'), a.tx('k', 'other')]));
  await until('dead letter', async () => (await service.deadLetters(hook.id)).length === 1);
  t.equal(rx.bodies.length, 3, 'three attempts (maxAttempts)');
  const log = await service.log(hook.id);
  t.same(
    log.map((e) => e.outcome),
    ['dead', 'retry', 'retry'],
    'each attempt is logged, newest first',
  );
  t.same(
    log.map((e) => e.status),
    [500, 500, 500],
  );
  const dead = (await service.deadLetters(hook.id))[0]!;
  t.equal(dead.attempts, 3);
  t.equal(dead.lastStatus, 500);
  status = 204;
  await service.redrive(hook.id, dead.seq);
  await until('delivered after redrive', async () => (await service.log(hook.id))[0]?.outcome === 'delivered');
  t.same(await service.deadLetters(hook.id), [], 'the dead-letter list is empty again');
  t.equal(new Set(rx.bodies).size, 1, 'every attempt sent the same body');
  t.rejects(service.redrive(hook.id, 999), { code: 'WEBHOOK_DELIVERY_NOT_FOUND' });
});

t.test('the log keeps the last logSize attempts', async (t) => {
  const rx = await receiver(t, () => 204);
  const { chain, service } = await setup(t, { logSize: 5 });
  const hook = await service.create({ url: rx.url });
  const a = new Actor();
  await chain.processBlock(
    mine(
      chain,
      Array.from({ length: 8 }, () => a.tx('k', 's')),
    ),
  );
  await until('8 deliveries', () => rx.bodies.length === 8);
  await until('logged', async () => (await service.log(hook.id)).length === 5);
  await new Promise((r) => setTimeout(r, 100));
  t.equal((await service.log(hook.id, 100)).length, 5);
});

t.test('blocks: a record waits for its confirmations; a redirect is a failure', async (t) => {
  const rx = await receiver(t, () => 204);
  const { chain, service } = await setup(t);
  await service.create({ url: rx.url, filter: { blocks: 3 } });
  const a = new Actor();
  await chain.processBlock(mine(chain, [a.tx('k', 's')]));
  await extend(chain, 1);
  await service.idle();
  await new Promise((r) => setTimeout(r, 200));
  t.equal(rx.bodies.length, 0, 'two confirmations: not yet');
  await extend(chain, 1);
  await until('delivered at three confirmations', () => rx.bodies.length === 1);
  const redirect = await receiver(t, () => 302);
  const h2 = await service.create({ url: redirect.url });
  await chain.processBlock(mine(chain, [a.tx('k', 's')]));
  await until('a logged failure', async () => (await service.log(h2.id))[0] !== undefined);
  t.match((await service.log(h2.id))[0], { ok: false, status: 302, error: 'redirects are not followed' });
});

t.test('the SSRF guard', async (t) => {
  for (const a of [
    '127.0.0.1',
    '10.0.0.1',
    '172.16.5.4',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    '::',
    'fe80::1',
    'fd00::1',
    '::ffff:127.0.0.1',
    '224.0.0.1',
  ])
    t.notOk(isPublicAddress(a), `${a} is not public`);
  for (const a of ['8.8.8.8', '1.1.1.1', '2606:4700::1111', '::ffff:8.8.8.8']) t.ok(isPublicAddress(a), `${a} is public`);
  const rebinding = async (): Promise<Array<{ address: string; family: number }>> => [
    { address: '93.184.216.34', family: 4 },
    { address: '127.0.0.1', family: 4 },
  ];
  await t.rejects(
    resolveTarget('http://example.test/x', false, rebinding),
    { code: 'WEBHOOK_TARGET_FORBIDDEN' },
    'one private address among the answers is enough to refuse',
  );
  const ok = await resolveTarget('https://example.test/x', false, async () => [{ address: '93.184.216.34', family: 4 }]);
  t.equal(ok.address, '93.184.216.34', 'the checked address is the one connected to');
  await t.rejects(resolveTarget('ftp://example.test/', false), { code: 'WEBHOOK_URL_INVALID' });
  await t.rejects(resolveTarget('http://u:p@example.test/', false), { code: 'WEBHOOK_URL_INVALID' });
  await t.rejects(
    resolveTarget('http://nowhere.invalid/', false, async () => Promise.reject(new Error('ENOTFOUND'))),
    { code: 'WEBHOOK_TARGET_UNRESOLVABLE' },
  );
  t.equal((await resolveTarget('http://127.0.0.1:1/', true)).address, '127.0.0.1', 'allowed by config');
});

t.test('signature header: the documented recipe', async (t) => {
  const body = '{"a":1}';
  const h = signatureHeader('whsec_x', 1_800_000_000, body);
  t.equal(h, `t=1800000000,v1=${createHmac('sha256', 'whsec_x').update(`1800000000.${body}`).digest('hex')}`);
  t.ok(verifySignature('whsec_x', h, body, 1_800_000_010));
  t.notOk(verifySignature('whsec_x', h, `${body} `, 1_800_000_010), 'another body fails');
  t.notOk(verifySignature('whsec_y', h, body, 1_800_000_010), 'another secret fails');
  t.notOk(verifySignature('whsec_x', h, body, 1_800_001_000), 'an old timestamp fails');
});

t.test('finality: a record waits for a final checkpoint over its block', async (t) => {
  const rx = await receiver(t, () => 204);
  const { chain, service } = await setup(t);
  await service.create({ url: rx.url, filter: { finality: true } });
  const a = new Actor();
  await chain.processBlock(mine(chain, [a.tx('k', 's')]));
  const recordBlock = chain.tip;
  await extend(chain, 2);
  await service.idle();
  await new Promise((r) => setTimeout(r, 200));
  t.equal(rx.bodies.length, 0, 'three confirmations but nothing final: not yet');
  chain.setFinal(recordBlock);
  await extend(chain, 1);
  await until('delivered once final', () => rx.bodies.length === 1);
  t.equal((JSON.parse(rx.bodies[0]!) as { record: { height: number } }).record.height, recordBlock.height);
});
