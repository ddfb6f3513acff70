import t from 'tap';
import { WriteQueue, type BatchOp } from '../../src/store/write-queue.js';

const put = (n: number): BatchOp => ({ type: 'put', key: Uint8Array.of(n), value: Uint8Array.of(n) });

// An apply function whose batches finish only when the test says so.
function controlled(): { apply: (ops: BatchOp[]) => Promise<void>; batches: number[][]; finish: (err?: Error) => void } {
  const batches: number[][] = [];
  const waiting: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  return {
    batches,
    apply: (ops) => {
      batches.push(ops.map((o) => o.key[0]!));
      return new Promise<void>((resolve, reject) => waiting.push({ resolve, reject }));
    },
    finish: (err) => {
      const w = waiting.shift()!;
      if (err === undefined) w.resolve();
      else w.reject(err);
    },
  };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

t.test('writes land in order, one batch at a time, merging those queued meanwhile', async (t) => {
  const c = controlled();
  const landed: number[] = [];
  const q = new WriteQueue(c.apply, { onWritten: (seq) => landed.push(seq) });
  t.ok(q.idle);
  await q.write([put(1)]);
  await q.write([put(2), put(3)]);
  await q.write([put(4)]);
  t.equal(q.queuedSeq, 3);
  t.same(c.batches, [[1]], 'the first write went out alone');
  t.equal(q.backlog, 4);
  let settled = false;
  const all = q.settled().then(() => (settled = true));
  c.finish();
  await tick();
  t.same(c.batches, [[1], [2, 3, 4]], 'the rest went out merged, in order');
  t.same(landed, [1]);
  t.notOk(settled, 'settled waits for everything queued before it');
  c.finish();
  await all;
  t.same(landed, [1, 3]);
  t.ok(q.idle);
  t.equal(q.backlog, 0);
});

t.test('a failed write fails its waiters, the queued ones and every later write', async (t) => {
  const c = controlled();
  const q = new WriteQueue(c.apply);
  await q.write([put(1)]);
  await q.write([put(2)]);
  const s = q.settled();
  c.finish(new Error('disk full'));
  await t.rejects(s, { message: 'disk full' });
  t.equal(q.failure?.message, 'disk full');
  await t.rejects(q.write([put(3)]), { message: 'disk full' });
  await t.rejects(q.settled(), { message: 'disk full' });
  t.same(c.batches, [[1]], 'nothing was written after the failure');
});

t.test('past the backlog bound a writer waits for the batch being written', async (t) => {
  const c = controlled();
  const q = new WriteQueue(c.apply, { maxBacklogOps: 3 });
  await q.write([put(1), put(2)]);
  await q.write([put(3)]);
  let returned = false;
  const w = q.write([put(4)]).then(() => (returned = true));
  await tick();
  t.notOk(returned, 'the writer is held while 4 operations are outstanding');
  c.finish();
  await w;
  t.ok(returned);
  t.same(c.batches, [
    [1, 2],
    [3, 4],
  ]);
  c.finish();
  await q.settled();
});
