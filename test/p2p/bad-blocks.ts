// Invalid blocks for tests that need a peer to misbehave.
import { leafHash } from '../../src/crypto/merkle.js';
import { checkProofOfWork } from '../../src/consensus/pow.js';
import { powLimit } from '../../src/consensus/networks.js';
import { encodeCompact } from '../../src/p2p/compact.js';
import { fromHex, reversed } from '../../src/util/bytes.js';
import { BlockHeader } from '../../src/primitives/header.js';
import { encodeMeta } from '../../src/primitives/meta.js';
import { NET } from './support.js';

/** A compact block on `tipHex` (display hex) at `height` whose header misses its own target (BLOCK_BAD_POW). */
export function badPowBlock(tipHex: string, height: number): Uint8Array {
  const meta = { height, extra: new Uint8Array(0) };
  const base = BlockHeader.from({
    version: 1,
    prevHash: reversed(fromHex(tipHex)),
    merkleRoot: leafHash(encodeMeta(meta)),
    time: Math.floor(Date.now() / 1000),
    bits: NET.powLimitBits,
    nonce: 0,
  });
  for (let nonce = 0; ; nonce++) {
    const header = base.with({ nonce });
    if (!checkProofOfWork(header.bytes, powLimit(NET))) return encodeCompact({ header, meta, txids: [] });
  }
}
