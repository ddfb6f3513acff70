// SPEC 2 depth rule on the block topic: a compact block whose transaction nests 33 levels is rejected with
// DECODE_TOO_DEEP whether its body comes by getblocktxn or as a full block; 32 levels are accepted.
import { TopicValidatorResult } from '@libp2p/gossipsub';
import pino from 'pino';
import t, { type Test } from 'tap';
import { Mempool } from '../../src/mempool/mempool.js';
import { encodeCompact, toCompact } from '../../src/p2p/compact.js';
import { P2pErrorCode, p2pError } from '../../src/wire/errors.js';
import { Relay } from '../../src/p2p/relay.js';
import type { CborValue } from '../../src/primitives/cbor.js';
import { Transaction } from '../../src/primitives/transaction.js';
import { generateSecretKey } from '../../src/crypto/signature.js';
import { CHAIN_ID, mine, openChain, tempDir } from '../utils/chain.js';
import { txOfDepth } from '../reliability/depth-targets.js';
import { recordPenalties } from '../utils/penalties.js';

// A Transaction object around bytes the decoder refuses (what a dishonest miner would put in a block).
const Unchecked = Transaction as unknown as new (fields: Transaction['fields'], bytes: Uint8Array) => Transaction;

async function setup(t: Test, serve: { txs?: (indexes: number[]) => CborValue; block?: () => Uint8Array | null }) {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  const { chain, store } = await openChain(dir.path);
  t.teardown(() => store.close());
  const mempool = new Mempool({}, { chainId: CHAIN_ID, nextNonce: (a) => store.getNextNonce(a) });
  const penalties: string[] = [];
  const relay = new Relay({
    chain,
    mempool,
    logger: pino({ level: 'silent' }),
    penalise: recordPenalties((_peer, _points, reason) => void penalties.push(reason.split(':')[0]!)),
    requestTxs: async (_peer, _hash, indexes) => {
      if (serve.txs === undefined) throw p2pError(P2pErrorCode.timeout, 'no reply');
      return serve.txs(indexes);
    },
    requestBlock: async () => serve.block?.() ?? null,
    blockAnnounced: () => undefined,
    onBlock: () => undefined,
  });
  return { chain, relay, penalties };
}

function blockWith(chain: Parameters<typeof mine>[0], bytes: Uint8Array) {
  const ok = Transaction.decode(txOfDepth(generateSecretKey(), CHAIN_ID, 0, 32));
  return mine(chain, [new Unchecked(ok.fields, bytes)]);
}

for (const via of ['getblocktxn', 'full block'] as const) {
  t.test(`fault 1: block topic, body by ${via}: depth 32 accepted, 33 rejected with DECODE_TOO_DEEP`, async (t) => {
    for (const depth of [32, 33]) {
      const bytes = txOfDepth(generateSecretKey(), CHAIN_ID, 0, depth);
      const box: { block?: Uint8Array } = {};
      const s = await setup(t, via === 'getblocktxn' ? { txs: () => ({ txs: [bytes] }) } : { block: () => box.block ?? null });
      const block = blockWith(s.chain, bytes);
      box.block = block.bytes;
      const r = await s.relay.validateBlock('miner', encodeCompact(toCompact(block)));
      if (depth === 32) {
        t.equal(r, TopicValidatorResult.Accept, 'depth 32 accepted');
        t.equal(s.chain.height, 1);
      } else {
        t.equal(r, TopicValidatorResult.Reject, 'depth 33 rejected');
        t.same(s.penalties, ['DECODE_TOO_DEEP'], 'with the decoder code, its sender penalised');
        t.equal(s.chain.height, 0);
      }
    }
  });
}
