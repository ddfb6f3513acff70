// Child process of crash.test.ts (not a test file itself).
//   work <dir> <seed> [log]  open the chain in <dir>, print "ready <height>", then connect blocks with transactions
//                      and force reorgs (heavier branches, some failing half-way on a bad signature) until killed;
//                      with [log], each block's hex is appended to that file (one line) before it is submitted,
//                      so test/reliability can replay the same blocks into a fresh database.
//   hold <dir>         open the store in <dir>, print "locked", and keep it open until killed.
// Actor keys are derived from fixed strings, so every run continues the same actors' nonce sequences.
import { appendFileSync } from 'node:fs';
import { BlockError } from '../../src/chain/errors.js';
import { type TreeNode } from '../../src/chain/block-tree.js';
import { type Chain } from '../../src/chain/chain.js';
import { assembleBlock, solveBlockSync } from '../../src/chain/template.js';
import { sha256 } from '../../src/crypto/hash.js';
import { type Block } from '../../src/primitives/block.js';
import { toHex } from '../../src/util/bytes.js';
import { Transaction } from '../../src/primitives/transaction.js';
import { ChainStore } from '../../src/store/chain-store.js';
import { CHAIN_ID, openChain } from '../utils/chain.js';
import { blockKeyHex } from '../../src/primitives/header.js';

const ACTORS = Array.from({ length: 8 }, (_, i) => sha256(new TextEncoder().encode(`crash-test-actor-${i}`)));
const FROM = ACTORS.map((sk) => Transaction.sign({ chain: CHAIN_ID, nonce: 0, time: 0, kind: 'probe', payload: 0 }, sk).fields.from);
// id.rotate (its payload names no key: noted ID_BAD_NEXT) and id.revoke write identity index rows (src/ident) under kills too.
const KINDS = ['audit.login', 'doc.certify', 'supply.shipped', 'metric', 'id.rotate', 'id.revoke'];

/** mulberry32: small deterministic PRNG, `rand(n)` in [0, n). */
function prng(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n: number): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return Math.floor((((x ^ (x >>> 14)) >>> 0) / 4294967296) * n);
  };
}

/** Next nonce of every actor on the main chain at `node` (an ancestor of the tip). */
async function noncesAt(chain: Chain, node: TreeNode): Promise<number[]> {
  const nonces = await Promise.all(FROM.map((f) => chain.store.getNextNonce(f)));
  for (let n: TreeNode | undefined = chain.tip; n !== undefined && n !== node; n = n.parent) {
    const block = await chain.getBlock(n.hash);
    for (const tx of block!.txs) {
      const i = FROM.findIndex((f) => toHex(f) === toHex(tx.fields.from));
      nonces[i] = Math.min(nonces[i]!, tx.fields.nonce);
    }
  }
  return nonces;
}

function makeTxs(rand: (n: number) => number, nonces: number[], count: number, tag: string): Transaction[] {
  return Array.from({ length: count }, (_, j) => {
    const i = rand(ACTORS.length);
    const subject = rand(3) === 0 ? {} : { subject: `item-${rand(20)}` };
    return Transaction.sign(
      { chain: CHAIN_ID, nonce: nonces[i]!++, time: Date.now(), kind: KINDS[rand(KINDS.length)]!, ...subject, payload: { tag, j, r: rand(1e9) } },
      ACTORS[i]!,
    );
  });
}

function corrupt(tx: Transaction): Transaction {
  const sig = Uint8Array.from(tx.fields.sig);
  sig[7]! ^= 1;
  return Transaction.fromFields({ ...tx.fields, sig });
}

/** Build (not submit) a branch of `txs.length` blocks on `parent`. */
function buildBranch(chain: Chain, parent: TreeNode, txs: Transaction[][], tag: number): Block[] {
  const out: Block[] = [];
  let p = parent;
  for (const [i, list] of txs.entries()) {
    const b = solveBlockSync(assembleBlock(chain, { parent: p, txs: list, time: p.header.time + 1, extra: Uint8Array.of(tag, i) }), chain.ctx.powLimit);
    out.push(b);
    p = { ...p, hash: b.hash, hex: blockKeyHex(b.hash), header: b.header, height: p.height + 1, parent: p };
  }
  return out;
}

let blockLog: string | undefined;

async function submit(chain: Chain, blocks: Block[]): Promise<void> {
  for (const b of blocks) {
    if (blockLog !== undefined) appendFileSync(blockLog, `${toHex(b.bytes)}\n`);
    try {
      // As headers-first sync delivers branches (requested): stored while still behind the tip.
      await chain.processBlock(b, { requested: true });
    } catch (err) {
      if (!(err instanceof BlockError)) throw err;
    }
  }
}

async function step(chain: Chain, rand: (n: number) => number): Promise<void> {
  // Extend the main chain by one or two blocks.
  const nonces = await noncesAt(chain, chain.tip);
  const ext = Array.from({ length: 1 + rand(2) }, () => makeTxs(rand, nonces, 2 + rand(12), 'main'));
  await submit(chain, buildBranch(chain, chain.tip, ext, rand(256)));
  if (chain.height < 2) return;
  // Fork below the tip: usually heavier (a reorg), sometimes of equal work (stays a side branch), sometimes with a
  // block whose transaction has a bad signature (the reorg fails half-way and the old chain comes back).
  const depth = 1 + rand(Math.min(4, chain.height - 1));
  const fork = chain.tree.atHeight(chain.height - depth)!;
  const forkNonces = await noncesAt(chain, fork);
  const kind = rand(6);
  const length = kind === 0 ? depth : depth + 1;
  const txs = Array.from({ length }, () => makeTxs(rand, forkNonces, 1 + rand(10), 'fork'));
  if (kind === 1) {
    const k = rand(length - 1);
    txs[k]![0] = corrupt(txs[k]![0]!);
  }
  await submit(chain, buildBranch(chain, fork, txs, rand(256)));
}

const [mode, dir, seedArg, logArg] = process.argv.slice(2);
if (dir === undefined) {
  // Run without arguments (e.g. `tap test/chain` picks up every file): nothing to do.
  process.stderr.write('usage: crash-child.ts work|hold <dir> [seed] (started by crash.test.ts)\n');
} else if (mode === 'hold') {
  await ChainStore.open({ path: dir, chainId: CHAIN_ID });
  process.stdout.write('locked\n');
  setInterval(() => undefined, 1 << 30);
} else {
  const { chain } = await openChain(dir);
  const rand = prng(Number(seedArg ?? 1));
  blockLog = logArg;
  process.stdout.write(`ready ${chain.height}\n`);
  for (;;) await step(chain, rand);
}
