import { request } from 'node:http';
import { join } from 'node:path';
import t from 'tap';
import { chainId } from '../../src/consensus/networks.js';
import { generateSecretKey } from '../../src/crypto/signature.js';
import { toHex } from '../../src/util/bytes.js';
import { ChainNode } from '../../src/node.js';
import { Transaction } from '../../src/primitives/transaction.js';
import { memoryLogger, regtestConfig, tempDir } from './support.js';

// POST JSON from a chosen local address (the whole 127/8 block is loopback on Linux: two distinct clients).
function post(url: string, path: string, body: unknown, localAddress: string): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = request(
      `${url}${path}`,
      { method: 'POST', localAddress, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

t.test('fault 11: through the API, a flood of throwaway actors from one address does not lock out a newcomer from another', async (t) => {
  const datadir = join(await tempDir(t, 'cn-sources-'), 'regtest');
  const { config, network } = regtestConfig(datadir, (c) => {
    c.p2p.enabled = false;
    c.mempool = { ...c.mempool, maxCount: 40 };
  });
  const node = new ChainNode({ config, network, version: 'test' }, { logger: memoryLogger().logger });
  t.teardown(() => node.stop());
  await node.start();
  const chain = chainId(network);
  const tx = (): string =>
    toHex(Transaction.sign({ chain, nonce: 0, time: Date.now(), kind: 'audit.login', subject: 's', payload: { n: 1 } }, generateSecretKey()).bytes);

  const flood = await post(node.apiUrl, '/txs/batch', { txs: Array.from({ length: 40 }, tx) }, '127.0.0.1');
  t.equal(flood.json.accepted, 40, 'the flood fills the pool');
  const more = await post(node.apiUrl, '/txs', { tx: tx() }, '127.0.0.1');
  t.match(more, { status: 503 }, `the flooder gets more of nothing (${JSON.stringify(more.json)})`);
  t.match(more.json, { error: { code: 'MEMPOOL_FULL' } });
  const honest = await post(node.apiUrl, '/txs', { tx: tx() }, '127.0.0.2');
  t.match(honest, { status: 202, json: { status: 'accepted' } }, 'a fresh actor from another address is accepted');
  t.equal(node.mempool.size, 40);
});
