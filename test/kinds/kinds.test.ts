// Issue 15 item 5: payload schemas of record kinds. The registry (standard and configured kinds, exact over family,
// JSON pointers), the admission policy through the real API (POST /txs and /txs/batch give TX_SCHEMA and the
// pointer; GET /kinds lists the schemas), peer relays exempt unless configured (and then never penalised), blocks
// holding a failing payload still connect and are served, and the client refusing before it signs.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { createApi, API_DEFAULTS } from '../../src/api/server.js';
import type { ApiContext } from '../../src/api/context.js';
import type { Chain } from '../../src/chain/chain.js';
import { checkActionSchema, sendAction } from '../../src/client/actions.js';
import { ApiClient } from '../../src/client/api-client.js';
import { ChainNodeError } from '../../src/errors.js';
import { KindPolicy } from '../../src/kinds/policy.js';
import { KindRegistry, KindSchemaError, loadKindFiles } from '../../src/kinds/registry.js';
import { Mempool } from '../../src/mempool/mempool.js';
import { toHex } from '../../src/util/bytes.js';
import { openApiChain, serveApi } from '../api/support.js';
import { Actor, CHAIN_ID, mine, NET, tempDir } from '../utils/chain.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function failure(r: KindRegistry, kind: string, payload: unknown): { code: string; pointer: string; message: string } | undefined {
  const e = r.check(kind, payload);
  return e === undefined ? undefined : { code: e.code, pointer: e.pointer, message: e.message };
}

t.test('registry: standard kinds, families, pointers, custom files', async (t) => {
  const r = new KindRegistry();
  t.same(
    r.list().map((k) => k.kind),
    ['audit.*', 'doc.certify', 'id.*', 'id.revoke', 'id.rotate', 'metric', 'review', 'supply.*'],
  );
  t.equal(r.match('supply.shipped'), 'supply.*');
  t.equal(r.match('id.rotate'), 'id.rotate', 'an exact kind wins over its family');
  t.equal(r.match('id.profile'), 'id.*');
  t.equal(r.match('weather'), undefined, 'kinds without a schema are not checked');
  t.equal(failure(r, 'weather', 'anything'), undefined);
  t.equal(failure(r, 'metric', { containerId: 'c1', memoryMB: 256, cpuUsage: 12.5, timestamp: 1_700_000_000_000 }), undefined);
  t.match(failure(r, 'metric', { containerId: 'c1', memoryMB: 'lots' }), { code: 'TX_SCHEMA', pointer: '/memoryMB' });
  t.equal(failure(r, 'metric', { memoryMB: 1, timestamp: '2026-12-02T10:00:00.000Z' }), undefined, 'an ISO 8601 time (the metrics facade writes these)');
  t.match(failure(r, 'metric', { memoryMB: 1, timestamp: 'yesterday' }), { pointer: '/timestamp' });
  t.match(failure(r, 'metric', { tags: { a: 1 } }), { pointer: '/tags' });
  t.match(failure(r, 'doc.certify', { name: 'x.pdf', sha256: 'ABC' }), { pointer: '/sha256', message: /must match pattern/ });
  t.match(failure(r, 'doc.certify', null), { pointer: '' });
  t.equal(failure(r, 'audit.logout', null), undefined, 'the CLI default payload (null) is an audit event');
  t.match(failure(r, 'review', { stars: 9 }), { pointer: '/stars' });
  t.match(failure(r, 'id.rotate', { next: `02${'ab'.repeat(32)}`, extra: 1 }), { pointer: '/extra' });
  t.match(failure(r, 'supply.shipped', ['not', 'an', 'object']), { pointer: '' });
  t.equal(failure(r, 'audit.login', { n: 3 }), undefined);

  const dir = await tempDir('kinds-');
  t.teardown(dir.cleanup);
  mkdirSync(join(dir.path, 'more'));
  writeFileSync(
    join(dir.path, 'lab.json'),
    JSON.stringify({ kind: 'lab.*', description: 'lab results', schema: { type: 'object', required: ['sample'], properties: { sample: { type: 'string' } } } }),
  );
  writeFileSync(join(dir.path, 'more', 'a.json'), JSON.stringify({ kinds: [{ kind: 'metric', schema: { type: 'object', required: ['v'] } }] }));
  const custom = new KindRegistry(loadKindFiles([join(dir.path, 'lab.json'), join(dir.path, 'more')]));
  t.match(failure(custom, 'lab.blood', { sample: 7 }), { pointer: '/sample' });
  t.match(failure(custom, 'metric', { memoryMB: 1 }), { pointer: '/v' }, 'a configured kind replaces the standard one');
  t.equal(custom.list().find((k) => k.kind === 'lab.*')?.source, 'config');
  writeFileSync(join(dir.path, 'bad.json'), JSON.stringify({ kind: 'x', schema: { type: 'object', propertiez: {} } }));
  t.throws(() => new KindRegistry(loadKindFiles([join(dir.path, 'bad.json')])), { code: 'KIND_SCHEMA_INVALID' });
  t.throws(() => new KindRegistry([{ kind: '*', description: '', schema: {} }]), { code: 'KIND_SCHEMA_INVALID' });
  t.throws(() => loadKindFiles([join(dir.path, 'missing.json')]), { code: 'KIND_SCHEMA_INVALID' });
});

async function setup(t: Test, custom: KindRegistry = new KindRegistry()): Promise<{ chain: Chain; ctx: ApiContext; url: string; mempool: Mempool }> {
  const { dir, chain, store, ctx: base } = await openApiChain('kinds-api-');
  const mempool = new Mempool(
    { maxTxBytes: NET.maxTxBytes },
    { chainId: CHAIN_ID, nextNonce: (a) => store.getNextNonce(a), policy: new KindPolicy({}, { registry: custom }) },
  );
  const ctx: ApiContext = { ...base, mempool, kinds: custom };
  const app = await createApi({ ...API_DEFAULTS, rateLimitPerMinute: 0, explorer: false }, { ctx });
  const url = await serveApi(t, app, { chain, store, dir });
  return { chain, ctx, url, mempool };
}

async function post(url: string, body: unknown): Promise<{ status: number; body: Json }> {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: r.status, body: (await r.json()) as Json };
}

t.test('POST /txs refuses a failing payload with TX_SCHEMA and the pointer; GET /kinds lists the schemas', async (t) => {
  const { url, mempool } = await setup(t, new KindRegistry([{ kind: 'lab.*', description: 'lab', schema: { type: 'object', required: ['sample'] } }]));
  const a = new Actor();
  const bad = a.tx('metric', 'container-1', { containerId: 'container-1', memoryMB: 'lots', cpuUsage: 3 });
  const r = await post(`${url}/txs`, { tx: toHex(bad.bytes) });
  t.equal(r.status, 400);
  t.equal(r.body.error.code, 'TX_SCHEMA');
  t.equal(r.body.error.pointer, '/memoryMB');
  t.match(r.body.error.message, /'\/memoryMB'/);
  t.equal(mempool.size, 0);
  // The same transaction is not remembered as refused for good (a peer relay is exempt): resubmitting says it again.
  t.equal((await post(`${url}/txs`, { tx: toHex(bad.bytes) })).body.error.code, 'TX_SCHEMA');

  a.nonce = 0;
  const good = a.tx('metric', 'container-1', { containerId: 'container-1', memoryMB: 512, cpuUsage: 3, timestamp: 1_700_000_000_000 });
  const lab = a.tx('lab.blood', undefined, { value: 1 });
  const batch = await post(`${url}/txs/batch`, { txs: [toHex(good.bytes), toHex(lab.bytes)] });
  t.equal(batch.status, 200);
  t.match(batch.body.results, [{ ok: true }, { ok: false, code: 'TX_SCHEMA', pointer: '/sample' }]);

  const kinds = (await (await fetch(`${url}/kinds`)).json()) as Json;
  const names = (kinds.kinds as Json[]).map((k) => k.kind);
  t.ok(names.includes('metric') && names.includes('supply.*') && names.includes('lab.*'));
  t.same(
    (kinds.kinds as Json[]).find((k) => k.kind === 'lab.*'),
    { kind: 'lab.*', description: 'lab', source: 'config', schema: { type: 'object', required: ['sample'] } },
  );
  t.equal((kinds.kinds as Json[]).find((k) => k.kind === 'id.rotate')?.schema.properties.next.pattern, '^0[23][0-9a-f]{64}$');
  const openapi = (await (await fetch(`${url}/openapi.json`)).json()) as Json;
  t.ok(openapi.paths['/kinds'] !== undefined && openapi.paths['/identities/{did}'] !== undefined, 'routes in the OpenAPI document');
});

t.test('peer relays: admitted unchecked by default; refused without penalty with enforceGossip', async (t) => {
  const a = new Actor();
  const tx = a.tx('review', 'item-1', { stars: 0 });
  const registry = new KindRegistry();
  const open = new Mempool({}, { chainId: CHAIN_ID, nextNonce: async () => 0, policy: new KindPolicy({}, { registry }) });
  t.equal((await open.add(tx, 'peer:10.0.0.1')).ok, true, 'a relayed transaction is not checked');
  const local = new Mempool({}, { chainId: CHAIN_ID, nextNonce: async () => 0, policy: new KindPolicy({}, { registry }) });
  t.equal((await local.add(tx)).ok, true, 'transactions back from a reorg or mempool.dat (source local) are not checked');
  const strict = new Mempool({}, { chainId: CHAIN_ID, nextNonce: async () => 0, policy: new KindPolicy({ enforceGossip: true }, { registry }) });
  const err = await strict.add(tx, 'peer:10.0.0.1').catch((e: unknown) => e);
  t.ok(err instanceof KindSchemaError);
  t.match(err, { code: 'TX_SCHEMA', pointer: '/stars', penalty: 0 });
});

t.test('a block holding a failing payload connects and is served', async (t) => {
  const { chain, url } = await setup(t);
  const a = new Actor();
  const bad = a.tx('doc.certify', 'x', { name: 'no hash here', size: -1 });
  t.equal((await post(`${url}/txs`, { tx: toHex(bad.bytes) })).body.error.code, 'TX_SCHEMA');
  const block = mine(chain, [bad]);
  t.equal((await chain.processBlockBytes(block.bytes, { peer: 'peer-x' })).status, 'connected');
  const served = (await (await fetch(`${url}/txs/${bad.txidHex}`)).json()) as Json;
  t.equal(served.status, 'mined');
  t.same(served.tx.payload, { name: 'no hash here', size: -1 });
});

t.test('the client refuses a failing payload before signing', async (t) => {
  const { url, mempool } = await setup(t, new KindRegistry([{ kind: 'lab.*', description: '', schema: { type: 'object', required: ['sample'] } }]));
  const client = new ApiClient({ url });
  await t.rejects(checkActionSchema(client, { kind: 'review', payload: { stars: 'five' } }), { code: 'TX_SCHEMA', pointer: '/stars' });
  const a = new Actor();
  const err = await sendAction(client, a.sk, { kind: 'lab.urine', payload: {} }, { chainId: CHAIN_ID }).catch((e: unknown) => e);
  t.match(err, { code: 'TX_SCHEMA', pointer: '/sample' }, "the node's configured kinds too");
  t.ok(err instanceof ChainNodeError);
  t.equal(mempool.size, 0, 'nothing was submitted');
  const ok = await sendAction(client, a.sk, { kind: 'lab.urine', payload: { sample: 's-1' } }, { chainId: CHAIN_ID });
  t.equal(ok.status, 'accepted');
});

t.test('every standard schema compiles (in strict mode) at its first check', async (t) => {
  const { STANDARD_KINDS } = await import('../../src/kinds/standard.js');
  const reg = new KindRegistry();
  for (const d of STANDARD_KINDS) {
    const kind = d.kind.endsWith('.*') ? `${d.kind.slice(0, -2)}.probe` : d.kind;
    t.equal(reg.match(kind), d.kind);
    const failure = reg.check(kind, 'not an object');
    t.ok(failure === undefined || failure.code === 'TX_SCHEMA', d.kind);
  }
});
