import * as dagCbor from '@ipld/dag-cbor';
import { randomBytes } from 'node:crypto';
import t from 'tap';
import { decodeUndo, encodeUndo, type UndoData } from '../../src/store/undo.js';

t.test('encodeUndo writes exactly what @ipld/dag-cbor writes, and decodes back', (t) => {
  const nonces = [0, 1, 23, 24, 255, 256, 65_535, 65_536, 2 ** 32 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER];
  const sizes = [0, 1, 2, 23, 24, 25, 300, 70_000];
  for (const count of sizes) {
    const undo: UndoData = Array.from({ length: count }, (_, i) => [new Uint8Array(randomBytes(33)), nonces[i % nonces.length]!]);
    const bytes = encodeUndo(undo);
    t.same(Buffer.from(bytes), Buffer.from(dagCbor.encode(undo)), `${count} entries`);
    t.same(decodeUndo(bytes), undo);
  }
  // Other byte lengths take other heads too.
  for (const len of [0, 5, 24, 300]) {
    const undo: UndoData = [[new Uint8Array(randomBytes(len)), 7]];
    t.same(Buffer.from(encodeUndo(undo)), Buffer.from(dagCbor.encode(undo)), `${len}-byte actor`);
  }
  t.throws(() => encodeUndo([[new Uint8Array(33), -1]]), RangeError);
  t.throws(() => encodeUndo([[new Uint8Array(33), 1.5]]), RangeError);
  t.end();
});
