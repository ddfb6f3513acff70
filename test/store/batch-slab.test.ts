import t from 'tap';
import { BatchSlab, encodeTxLocation, heightPos, Keys, u64be } from '../../src/store/layout.js';

t.test('keys and values carved from a slab equal freshly built ones, past its size too', (t) => {
  const slab = new BatchSlab(150);
  const { alloc } = slab;
  const txid = Uint8Array.from({ length: 32 }, (_, i) => i);
  const actor = Uint8Array.from({ length: 33 }, (_, i) => 255 - i);
  const pairs: Array<[Uint8Array, Uint8Array]> = [];
  for (let round = 0; round < 3; round++) {
    pairs.push([Keys.tx(txid, alloc), Keys.tx(txid)]);
    pairs.push([Keys.actorIndex(actor, 2 ** 40 + round, alloc), Keys.actorIndex(actor, 2 ** 40 + round)]);
    pairs.push([Keys.subjectIndex('container-7', 9, round, alloc), Keys.subjectIndex('container-7', 9, round)]);
    pairs.push([Keys.kindIndex('métrique', 9, round, alloc), Keys.kindIndex('métrique', 9, round)]);
    pairs.push([Keys.actorState(actor, alloc), Keys.actorState(actor)]);
    pairs.push([u64be(12_345, alloc), u64be(12_345)]);
    pairs.push([encodeTxLocation(txid, round, alloc), encodeTxLocation(txid, round)]);
    pairs.push([slab.copy(txid), txid]);
  }
  for (const [a, b] of pairs) t.same(Buffer.from(a), Buffer.from(b));
  // The first ones share one buffer; the slab ran out long before the end and later ones are separate arrays.
  t.equal(pairs[0]![0].buffer, pairs[1]![0].buffer);
  t.not(pairs.at(-1)![0].buffer, pairs[0]![0].buffer);
  t.end();
});

t.test('subject+kind index keys built in one pass equal the prefix followed by height and position', (t) => {
  const slab = new BatchSlab(64);
  for (const [subject, kind] of [
    ['container-7', 'metric'],
    ['sujet-é', 'métrique'],
    ['', 'k'],
  ] as const) {
    for (const [h, pos] of [
      [0, 0],
      [9, 3],
      [0xffff_fffe, 0x1_0000 - 1],
    ] as const) {
      const expected = Buffer.concat([Keys.subjectKindIndexPrefix(subject, kind), heightPos(h, pos)]);
      t.same(Buffer.from(Keys.subjectKindIndex(subject, kind, h, pos)), expected, `${subject}/${kind} ${h}:${pos}`);
      t.same(Buffer.from(Keys.subjectKindIndex(subject, kind, h, pos, slab.alloc)), expected, `${subject}/${kind} ${h}:${pos} in a slab`);
    }
  }
  t.end();
});
