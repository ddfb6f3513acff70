// Fast part of the API fuzzing: a real node process, a few hundred random requests over every route.
import fc from 'fast-check';
import t from 'tap';
import { join } from 'node:path';
import { ensureBuilt, nodeFixture, TestNode } from '../p2p/support.js';
import { apiPaths, apiRequests, sendFuzzRequest } from './api-fuzz.js';

t.test('fuzz every API route of a real node: never a 5xx, always a JSON error with a code', async (t) => {
  await ensureBuilt();
  const { dir, nodes } = await nodeFixture(t, 'api-fuzz-');
  const node = await TestNode.start({ datadir: join(dir.path, 'a'), mine: false });
  nodes.push(node);
  const paths = await apiPaths(node.api);
  t.ok(paths.length >= 20, `${paths.length} routes from the node's OpenAPI document`);
  const statuses = new Map<number, number>();
  let n = 0;
  await fc.assert(
    fc.asyncProperty(apiRequests(paths), async (req) => {
      n++;
      const o = await sendFuzzRequest(node.api, req);
      if (o.status !== undefined) statuses.set(o.status, (statuses.get(o.status) ?? 0) + 1);
      if (o.crash !== undefined || o.divergent !== undefined) throw new Error(o.crash ?? o.divergent);
    }),
    { numRuns: 400 },
  );
  t.ok(n >= 400, `${n} requests; statuses ${JSON.stringify(Object.fromEntries(statuses))}`);

  // What the fuzzing found (fastify's own errors, answered without the node's error body or as a 500).
  const found: Array<[string, number, string]> = [
    ['/%ff', 400, 'BAD_URL'],
    [`/txs/${'a'.repeat(1000)}`, 414, 'URI_TOO_LONG'],
    [`/blocks/${'a'.repeat(5000)}`, 414, 'URI_TOO_LONG'],
    [`/subjects/${'a'.repeat(200)}/actions`, 414, 'URI_TOO_LONG'],
  ];
  for (const [path, status, code] of found) {
    const r = await fetch(node.api + path);
    const body = (await r.json()) as { error?: { code?: string } };
    t.same([r.status, body.error?.code], [status, code], `GET ${path.slice(0, 40)}`);
  }
  t.equal((await node.status()).height >= 0, true, 'the node still answers');
});
