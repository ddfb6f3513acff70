import t from 'tap';
import { BlockError } from '../../src/chain/errors.js';
import { validateHeaders } from '../../src/sync/headers.js';
import { breakPow, rebuild } from '../chain/helpers.js';
import { mine, openChain, tempDir } from '../utils/chain.js';
import type { Test } from 'tap';
import type { Block } from '../../src/primitives/block.js';

// A peer's chain from genesis, in a database of its own: we only get to see its headers.
async function peerChain(t: Test, n: number): Promise<Block[]> {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  const { chain, store } = await openChain(dir.path);
  const out: Block[] = [];
  for (let i = 0; i < n; i++) {
    const b = mine(chain);
    await chain.processBlock(b);
    out.push(b);
  }
  await store.close();
  return out;
}

t.test('headers-first checks', async (t) => {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  const { chain, store } = await openChain(dir.path);
  t.teardown(() => store.close());
  const blocks = await peerChain(t, 12);
  const now = Math.floor(Date.now() / 1000);
  const nodes = validateHeaders(
    chain.ctx,
    chain.tip,
    blocks.map((b) => b.header),
    now,
  );
  t.equal(nodes.length, 12);
  t.equal(nodes.at(-1)!.height, 12);
  t.ok(nodes.at(-1)!.chainWork > chain.tip.chainWork, 'cumulative work grows');

  const code = (fn: () => unknown): string => {
    try {
      fn();
      return 'none';
    } catch (err) {
      return err instanceof BlockError ? `${err.code}/${err.penalty}` : String(err);
    }
  };
  const pow = breakPow(blocks[3]!, chain.ctx.powLimit);
  t.equal(
    code(() => validateHeaders(chain.ctx, chain.tip, [...blocks.slice(0, 3).map((b) => b.header), pow.header], now)),
    'BLOCK_BAD_POW/100',
  );
  const gap = [blocks[0]!.header, blocks[2]!.header];
  t.equal(
    code(() => validateHeaders(chain.ctx, chain.tip, gap, now)),
    'BLOCK_INVALID_PARENT/50',
    'headers must link',
  );
  const bits = rebuild(blocks[0]!, { header: { bits: 0x1f7fffff } }, chain.ctx.powLimit);
  t.equal(
    code(() => validateHeaders(chain.ctx, chain.tip, [bits.header], now)),
    'BLOCK_BAD_BITS/50',
    'ASERT bits enforced',
  );
  const old = rebuild(blocks[0]!, { header: { time: chain.tip.header.time } }, chain.ctx.powLimit);
  t.equal(
    code(() => validateHeaders(chain.ctx, chain.tip, [old.header], now)),
    'BLOCK_TIME_TOO_OLD/50',
    'median time past enforced',
  );
  const future = rebuild(blocks[0]!, { header: { time: now + 3 * 3600 } }, chain.ctx.powLimit);
  t.equal(
    code(() => validateHeaders(chain.ctx, chain.tip, [future.header], now)),
    'BLOCK_TIME_TOO_NEW/0',
    'future headers are not the sender\u2019s fault',
  );
  const known = blocks[0]!;
  t.equal(
    code(() => validateHeaders(chain.ctx, chain.tip, [known.header], now, () => 'BLOCK_BAD_SIGNATURE')),
    'BLOCK_KNOWN_INVALID/50',
  );
});
