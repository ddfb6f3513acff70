import { randomBytes } from 'node:crypto';
import t from 'tap';
import { encodeCbor } from '../../src/primitives/cbor.js';
import { decodeBlocks, encodeBlocksBytes } from '../../src/sync/messages.js';
import { decodeEnvelope } from '../../src/wire/rpc.js';

t.test('a blocks response written directly equals the general encoding, and decodes back', (t) => {
  const sizes = [0, 1, 23, 24, 255, 256, 65_535, 65_536, 300_000];
  for (const count of [0, 1, 23, 24, 64, 300]) {
    const blocks = Array.from({ length: count }, (_, i) => (i % 7 === 3 ? null : new Uint8Array(randomBytes(sizes[i % sizes.length]!))));
    const bytes = encodeBlocksBytes(blocks);
    t.same(Buffer.from(bytes), Buffer.from(encodeCbor({ blocks })), `${count} entries`);
    t.same(decodeBlocks(decodeEnvelope(bytes, 'blocks'), count), blocks);
  }
  t.end();
});
