// Issue 16 item 5: resumable events through the real API on a real socket over a real chain and store. A stream
// killed and reopened with Last-Event-ID ends with the same record set as one that never disconnected, across a
// reorg that happens while it is away; too old an id gets a resync event, a malformed one a 400.
import { request, type IncomingMessage } from 'node:http';
import t, { type Test } from 'tap';
import { API_DEFAULTS, createApi } from '../../src/api/server.js';
import type { Chain } from '../../src/chain/chain.js';
import type { TreeNode } from '../../src/chain/block-tree.js';
import type { Transaction } from '../../src/primitives/transaction.js';
import { Actor, extend, mine } from '../utils/chain.js';
import { openApiChain, serveApi } from './support.js';

async function setup(t: Test, historyBlocks = API_DEFAULTS.sse.historyBlocks): Promise<{ chain: Chain; url: string }> {
  const { dir, chain, store, ctx } = await openApiChain('sse-resume-');
  const app = await createApi({ ...API_DEFAULTS, rateLimitPerMinute: 0, sse: { ...API_DEFAULTS.sse, historyBlocks } }, { ctx });
  const url = await serveApi(t, app, { chain, store, dir });
  return { chain, url };
}

interface Sse {
  id?: string;
  event: string;
  data: { type: string; tx?: { txid: string }; left?: Array<{ txid: string }>; reentered?: Array<{ txid: string }>; code?: string };
}

/** A stream parsed into events as they arrive. */
function open(url: string, path: string, lastEventId?: string): Promise<{ res: IncomingMessage; events: Sse[]; body: () => string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { agent: false, headers: lastEventId === undefined ? {} : { 'last-event-id': lastEventId } }, (res) => {
      const events: Sse[] = [];
      let buf = '';
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        body += d;
        buf += d;
        let end: number;
        while ((end = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, end);
          buf = buf.slice(end + 2);
          const ev: Partial<Sse> = {};
          for (const line of block.split('\n')) {
            if (line.startsWith('id: ')) ev.id = line.slice(4);
            else if (line.startsWith('event: ')) ev.event = line.slice(7);
            else if (line.startsWith('data: ')) ev.data = JSON.parse(line.slice(6)) as Sse['data'];
          }
          if (ev.event !== undefined) events.push(ev as Sse);
        }
      });
      resolve({ res, events, body: () => body });
    });
    req.once('error', reject);
    req.end();
  });
}

/** What a client following the documented rules holds: records added, the `left` ones of reorgs removed. */
function recordSet(events: readonly Sse[]): Set<string> {
  const held = new Set<string>();
  for (const e of events) {
    if (e.event === 'record') held.add(e.data.tx!.txid);
    if (e.event === 'reorg') for (const r of e.data.left ?? []) held.delete(r.txid);
  }
  return held;
}

const until = async (what: string, ok: () => boolean): Promise<void> => {
  const deadline = Date.now() + 15_000;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

async function add(chain: Chain, txs: Transaction[], parent: TreeNode = chain.tip): Promise<TreeNode> {
  const b = mine(chain, txs, parent);
  await chain.processBlock(b);
  return chain.tree.get(b.hash)!;
}

/** Brute force: the subject's records on the main chain now. */
async function truth(chain: Chain, subject: string): Promise<Set<string>> {
  const out = new Set<string>();
  for (let h = 1; h <= chain.height; h++) {
    const block = await chain.getBlock(chain.tree.atHeight(h)!.hex);
    for (const tx of block!.txs) if (tx.fields.subject === subject) out.add(tx.txidHex);
  }
  return out;
}

t.test('a stream resumed with Last-Event-ID ends with the same records as one that never left, across a reorg', async (t) => {
  const { chain, url } = await setup(t);
  const alice = new Actor();
  const bob = new Actor();
  const path = '/events?types=record,reorg&subject=item-1';
  const steady = await open(url, path);
  let resumed = await open(url, path);
  await extend(chain, 2);
  const fork = chain.tip;
  const a0 = alice.tx('metric', 'item-1');
  const a1 = alice.tx('metric', 'item-1');
  const a2 = alice.tx('metric', 'item-1');
  await add(chain, [a0, a1, bob.tx('metric', 'item-2')]);
  await add(chain, [a2]);
  await until('three records on both', () => steady.events.length === 3 && resumed.events.length === 3);
  const first = [...resumed.events];
  const lastId = first.at(-1)!.id!;
  t.match(lastId, /^\d+-[0-9a-f]{64}$/, 'record events carry ids');
  resumed.res.destroy();

  // While it is away: a heavier branch from below its last block: a0 re-enters, a1 and a2 leave, new records come.
  const c = new Actor();
  const c0 = c.tx('metric', 'item-1');
  let p = await add(chain, [a0, c0], fork);
  p = await add(chain, [c.tx('metric', 'item-2')], p);
  const reorgs: unknown[] = [];
  chain.once('reorg', (r) => reorgs.push(r));
  p = await add(chain, [c.tx('metric', 'item-1')], p);
  t.equal(reorgs.length, 1, 'the chain reorganised');
  t.equal(chain.tip.hex, p.hex);
  await until('the steady stream saw the reorg', () => steady.events.some((e) => e.event === 'reorg'));
  const reorg = steady.events.find((e) => e.event === 'reorg')!;
  t.same(new Set(reorg.data.left!.map((r) => r.txid)), new Set([a1.txidHex, a2.txidHex]), 'the reorg lists the records that left');
  t.same(
    reorg.data.reentered!.map((r) => r.txid),
    [a0.txidHex],
    'and the one that re-entered',
  );

  resumed = await open(url, path, lastId);
  t.equal(resumed.res.statusCode, 200);
  await add(chain, [c.tx('metric', 'item-1')]);
  const expected = await truth(chain, 'item-1');
  t.equal(expected.size, 4);
  await until('both streams hold every record', () => recordSet(steady.events).size === 4 && recordSet([...first, ...resumed.events]).size === 4);
  t.same(recordSet([...first, ...resumed.events]), expected, 'the resumed stream holds the main chain records');
  t.same(recordSet(steady.events), expected, 'and so does the steady one');
  t.equal(resumed.events[0]!.event, 'reorg', 'the resumed stream first hears of the reorg it missed');
  const ids = resumed.events.filter((e) => e.id !== undefined).map((e) => e.id);
  t.equal(new Set(ids).size, ids.length, 'no event comes twice');
  steady.res.destroy();
  resumed.res.destroy();
});

t.test('resuming from the main chain replays only what was missed; block streams resume too', async (t) => {
  const { chain, url } = await setup(t);
  const alice = new Actor();
  const s = await open(url, '/events?types=block,record');
  await add(chain, [alice.tx('k', 'x')]);
  await until('block and record', () => s.events.length === 2);
  t.equal(s.events[0]!.event, 'block');
  const last = s.events[1]!.id!;
  s.res.destroy();
  const missed = [alice.tx('k', 'x'), alice.tx('k', 'y')];
  await add(chain, missed);
  const r = await open(url, '/events?types=block,record', last);
  await until('the missed block and records', () => r.events.length === 3);
  t.same(
    r.events.map((e) => e.event),
    ['block', 'record', 'record'],
  );
  t.same(
    r.events.slice(1).map((e) => e.data.tx!.txid),
    missed.map((x) => x.txidHex),
  );
  await add(chain, [alice.tx('k', 'z')]);
  await until('live events after the replay', () => r.events.length === 5);
  r.res.destroy();
});

t.test('too old a Last-Event-ID gets a resync event; a malformed one a 400 with a code', async (t) => {
  const { chain, url } = await setup(t, 3);
  const alice = new Actor();
  const s = await open(url, '/events?types=record');
  await add(chain, [alice.tx('k', 'x')]);
  await until('a record', () => s.events.length === 1);
  s.res.destroy();
  await extend(chain, 4);
  const r = await open(url, '/events?types=record', s.events[0]!.id);
  await until('resync', () => r.events.length === 1);
  t.equal(r.events[0]!.event, 'resync');
  t.equal(r.events[0]!.data.code, 'SSE_HISTORY_EXCEEDED');
  r.res.destroy();
  const unknown = await open(url, '/events?types=record', `${5 * 2 ** 20}-${'ab'.repeat(32)}`);
  await until('resync', () => unknown.events.length === 1);
  t.equal(unknown.events[0]!.data.code, 'SSE_EVENT_UNKNOWN');
  unknown.res.destroy();
  const bad = await open(url, '/events', 'nope');
  t.equal(bad.res.statusCode, 400);
  await until('the error body', () => bad.res.complete);
  t.match(JSON.parse(bad.body()), { error: { code: 'SSE_BAD_EVENT_ID' } });
});
