// Issue 16 item 5 across real processes: two regtest nodes over libp2p/TCP are cut apart and each mines records;
// event streams follow node a. One stream is killed after a's branch records; the heavier branch of c wins when the
// nodes are joined again; the killed stream reconnects with Last-Event-ID and ends with the same record set as the
// stream that never disconnected, and both equal a's main-chain records (read back from its index routes).
import { request, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import t from 'tap';
import { generateSecretKey } from '../../src/crypto/signature.js';
import { Transaction } from '../../src/primitives/transaction.js';
import { CHAIN_ID, converged, ensureBuilt, nodeFixture, peered, TestNode, waitFor } from '../p2p/support.js';

interface Ev {
  event: string;
  id?: string;
  data: { tx?: { txid: string }; left?: Array<{ txid: string }> };
}

function stream(url: string, lastEventId?: string): Promise<{ res: IncomingMessage; events: Ev[] }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/events?types=record,reorg&subject=item-1`,
      { agent: false, headers: lastEventId === undefined ? {} : { 'last-event-id': lastEventId } },
      (res) => {
        const events: Ev[] = [];
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          buf += d;
          let end: number;
          while ((end = buf.indexOf('\n\n')) >= 0) {
            const ev: Partial<Ev> = {};
            for (const l of buf.slice(0, end).split('\n')) {
              if (l.startsWith('id: ')) ev.id = l.slice(4);
              else if (l.startsWith('event: ')) ev.event = l.slice(7);
              else if (l.startsWith('data: ')) ev.data = JSON.parse(l.slice(6)) as Ev['data'];
            }
            buf = buf.slice(end + 2);
            if (ev.event !== undefined) events.push(ev as Ev);
          }
        });
        resolve({ res, events });
      },
    );
    req.once('error', reject);
    req.end();
  });
}

function held(events: readonly Ev[]): Set<string> {
  const s = new Set<string>();
  for (const e of events) {
    if (e.event === 'record') s.add(e.data.tx!.txid);
    if (e.event === 'reorg') for (const r of e.data.left ?? []) s.delete(r.txid);
  }
  return s;
}

const sign = (sk: Uint8Array, nonce: number): Transaction =>
  Transaction.sign({ chain: CHAIN_ID, nonce, time: Date.now(), kind: 'metric', subject: 'item-1', payload: { n: nonce } }, sk);

t.test('a stream resumed with Last-Event-ID after a reorg between processes holds what a steady one holds', async (t) => {
  await ensureBuilt();
  const { dir, nodes } = await nodeFixture(t, 'sse-reorg-');
  const a = await TestNode.start({ datadir: join(dir.path, 'a') });
  nodes.push(a);
  const c = await TestNode.start({ datadir: join(dir.path, 'c'), mine: false, bootstrap: [a.address] });
  nodes.push(c);
  await peered(nodes, 1, 45_000);
  await converged(nodes, 2, 30_000);
  const cAddr = (await c.self()).addresses[0]!;
  const aAddr = (await a.self()).addresses[0]!;
  const cId = cAddr.split('/p2p/')[1]!;
  const aId = aAddr.split('/p2p/')[1]!;
  const steady = await stream(a.api);
  let resumed = await stream(a.api);
  await a.post('/peers/disconnect', { id: cId }, true).catch(() => undefined);
  await c.post('/peers/disconnect', { id: aId }, true).catch(() => undefined);
  await waitFor('apart', async () => !(await a.peerIds()).includes(cId) && !(await c.peerIds()).includes(aId), 15_000);

  // a's branch: two records, seen by both streams; then a stops mining.
  const skA = generateSecretKey();
  await a.submit(sign(skA, 0));
  await a.submit(sign(skA, 1));
  await waitFor('a\u2019s records on both streams', async () => held(steady.events).size === 2 && held(resumed.events).size === 2, 60_000);
  await a.post('/mining/stop', {}, true);
  const lastId = resumed.events.at(-1)!.id!;
  resumed.res.destroy();
  const aHeight = (await a.status()).height;

  // c's branch: other records, and more blocks than a's.
  const skC = generateSecretKey();
  await c.post('/mining/start', {}, true);
  await c.submit(sign(skC, 0));
  await waitFor('c heavier', async () => ((await c.status()).height > aHeight + 3 ? true : undefined), 90_000);
  await c.post('/mining/stop', {}, true);
  await c.post('/peers/connect', { addr: aAddr }, true).catch(() => undefined);
  await a.post('/peers/connect', { addr: cAddr }, true).catch(() => undefined);
  const cTip = (await c.status()).tip.hash;
  await waitFor('a on c\u2019s chain', async () => ((await a.status()).tip.hash === cTip ? true : undefined), 60_000);
  // The stream's events trail the node's status by the time they take to be written and read.
  await waitFor('the reorg event', async () => (steady.events.some((e) => e.event === 'reorg') ? true : undefined), 15_000).catch(() => undefined);
  t.ok(
    steady.events.some((e) => e.event === 'reorg'),
    'the steady stream saw the reorg',
  );

  resumed = await stream(a.api, lastId);
  const truth = new Set((await a.get<{ items: Array<{ txid: string }> }>('/subjects/item-1/actions?limit=1000')).items.map((i) => i.txid));
  t.ok(truth.size >= 1, `a holds ${truth.size} item-1 records now`);
  await waitFor('the resumed stream catches up', async () => (held(resumed.events).size === truth.size ? true : undefined), 20_000).catch(() => undefined);
  t.same(held(steady.events), truth, 'the steady stream holds the main chain\u2019s records');
  t.same(held(resumed.events), truth, 'and so does the resumed one');
  t.equal(resumed.events[0]?.event, 'reorg', 'the resumed stream first hears of the reorg it missed');
  steady.res.destroy();
  resumed.res.destroy();
});
