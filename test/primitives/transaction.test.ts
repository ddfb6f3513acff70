import t from 'tap';
import * as dagCbor from '@ipld/dag-cbor';
import { Transaction, txSigningHash, TX_SIGNING_DOMAIN } from '../../src/primitives/transaction.js';
import { generateSecretKey, publicKeyFromSecret, signHash } from '../../src/crypto/signature.js';
import { sha256, sha256Concat } from '../../src/crypto/hash.js';
import { concatBytes, toHex } from '../../src/util/bytes.js';
import { encodeCbor, type CborMap } from '../../src/primitives/cbor.js';
import { makeTx, TEST_CHAIN } from './support.js';

t.test('sign, encode, decode round trip with txid and signing hash per SPEC 5 and 6', async (t) => {
  const sk = generateSecretKey();
  const tx = makeTx(sk, { payload: { containerId: 'c1', memoryMB: 512, cpuUsage: 0.25, timestamp: 1700000000 } });
  const back = Transaction.decode(tx.bytes);
  t.same(back.fields, tx.fields);
  t.equal(toHex(back.fields.from), toHex(publicKeyFromSecret(sk)));
  t.equal(back.txidHex, toHex(sha256(concatBytes(new Uint8Array([0]), tx.bytes))));
  const { sig: _sig, ...body } = dagCbor.decode(tx.bytes) as CborMap;
  t.equal(toHex(back.sigHash), toHex(sha256Concat(new TextEncoder().encode(TX_SIGNING_DOMAIN), dagCbor.encode(body))));
  t.ok(back.verifySignature());
});

t.test('every field is covered by the signature', async (t) => {
  const tx = makeTx();
  const f = tx.fields;
  const other = publicKeyFromSecret(generateSecretKey());
  const mutations: Record<string, Partial<typeof f>> = {
    chain: { chain: new Uint8Array(32).fill(8) },
    from: { from: other },
    nonce: { nonce: 1 },
    time: { time: f.time + 1 },
    kind: { kind: 'audit.logout' },
    subject: { subject: 'user-43' },
    'subject removed': { subject: undefined },
    payload: { payload: { ip: '10.0.0.2', ok: true } },
  };
  for (const [name, m] of Object.entries(mutations)) {
    const fields = { ...f, ...m };
    if (fields.subject === undefined) delete fields.subject;
    const mutated = Transaction.fromFields(fields);
    t.notOk(mutated.verifySignature(), `changing ${name} invalidates the signature`);
  }
  const sig = Uint8Array.from(f.sig);
  sig[10]! ^= 1;
  t.notOk(Transaction.fromFields({ ...f, sig }).verifySignature(), 'changing sig invalidates it');
});

t.test('non-canonical encodings are rejected', async (t) => {
  const tx = makeTx();
  const bytes = tx.bytes;
  // Swap the order of two map entries by hand: encode with a non-sorting encoder.
  const { encode } = await import('cborg');
  const m = dagCbor.decode(bytes) as CborMap;
  const unsorted = encode(m, { mapSorter: (a: [{ value: string }], b: [{ value: string }]) => (a[0].value < b[0].value ? 1 : -1) } as never);
  t.not(toHex(unsorted), toHex(bytes));
  t.throws(() => Transaction.decode(unsorted), { code: 'DECODE_NON_CANONICAL' });
  // Over-long integer: nonce 0 encoded as a 1-byte-argument uint (0x18 0x00).
  const withLongInt = toHex(bytes).replace('656e6f6e636500', '656e6f6e63651800');
  t.not(withLongInt, toHex(bytes));
  t.throws(() => Transaction.decode(Buffer.from(withLongInt, 'hex')), { code: /DECODE_(MALFORMED|NON_CANONICAL)/ });
  // Trailing garbage.
  t.throws(() => Transaction.decode(concatBytes(bytes, new Uint8Array([0]))), { code: 'DECODE_MALFORMED' });
  t.throws(() => Transaction.decode(new Uint8Array([0xff, 0x00])), { code: 'DECODE_MALFORMED' });
  t.throws(() => Transaction.decode(new Uint8Array(0)), { code: 'DECODE_MALFORMED' });
});

function reencode(tx: Transaction, change: (m: CborMap) => void): Uint8Array {
  const m = dagCbor.decode(tx.bytes) as CborMap;
  change(m);
  return encodeCbor(m);
}

t.test('unknown keys, missing keys, wrong types and oversized fields are rejected', async (t) => {
  const tx = makeTx();
  const cases: [string, (m: CborMap) => void, string][] = [
    ['unknown key', (m) => (m.extra = 1), 'DECODE_UNKNOWN_FIELD'],
    ['missing kind', (m) => delete m.kind, 'DECODE_MISSING_FIELD'],
    ['missing sig', (m) => delete m.sig, 'DECODE_MISSING_FIELD'],
    ['missing payload', (m) => delete m.payload, 'DECODE_MISSING_FIELD'],
    ['version 2', (m) => (m.v = 2), 'DECODE_BAD_VALUE'],
    ['nonce negative', (m) => (m.nonce = -1), 'DECODE_WRONG_TYPE'],
    ['nonce float', (m) => (m.nonce = 1.5), 'DECODE_WRONG_TYPE'],
    ['nonce string', (m) => (m.nonce = '1'), 'DECODE_WRONG_TYPE'],
    ['chain 31 bytes', (m) => (m.chain = new Uint8Array(31)), 'DECODE_BAD_VALUE'],
    ['from 65 bytes', (m) => (m.from = new Uint8Array(65).fill(4)), 'DECODE_BAD_VALUE'],
    ['from bad prefix', (m) => (m.from = new Uint8Array(33).fill(4)), 'DECODE_BAD_VALUE'],
    ['sig 63 bytes', (m) => (m.sig = new Uint8Array(63)), 'DECODE_BAD_VALUE'],
    ['sig as string', (m) => (m.sig = 'x'), 'DECODE_WRONG_TYPE'],
    ['kind empty', (m) => (m.kind = ''), 'DECODE_BAD_VALUE'],
    ['kind 65 bytes', (m) => (m.kind = 'k'.repeat(65)), 'DECODE_OVERSIZED'],
    ['subject empty', (m) => (m.subject = ''), 'DECODE_BAD_VALUE'],
    ['subject 129 bytes', (m) => (m.subject = 's'.repeat(129)), 'DECODE_OVERSIZED'],
    ['kind as bytes', (m) => (m.kind = new Uint8Array(3)), 'DECODE_WRONG_TYPE'],
  ];
  for (const [name, change, code] of cases) {
    t.throws(() => Transaction.decode(reencode(tx, change)), { code }, name);
  }
  t.throws(() => Transaction.decode(dagCbor.encode([1, 2])), { code: 'DECODE_WRONG_TYPE' });
  const big = makeTx(undefined, { payload: 'x'.repeat(2000) });
  t.throws(() => Transaction.decode(big.bytes, { maxBytes: 1000 }), { code: 'DECODE_OVERSIZED' });
  t.ok(Transaction.decode(big.bytes, { maxBytes: 4000 }));
});

t.test('a multi-byte UTF-8 kind is measured in bytes', async (t) => {
  t.ok(makeTx(undefined, { kind: 'é'.repeat(32) }));
  t.throws(() => makeTx(undefined, { kind: 'é'.repeat(33) }), { code: 'DECODE_OVERSIZED' });
});

t.test('signing hash matches an independent computation and signHash output verifies', async (t) => {
  const sk = generateSecretKey();
  const body = { v: 1, chain: TEST_CHAIN, from: publicKeyFromSecret(sk), nonce: 3, time: 5, kind: 'doc.certify', payload: null };
  const h = txSigningHash(body);
  const sig = signHash(h, sk);
  const tx = Transaction.fromFields({ ...body, sig });
  t.ok(tx.verifySignature());
  t.throws(() => Transaction.sign({ ...body, from: publicKeyFromSecret(generateSecretKey()) }, sk), { code: 'DECODE_BAD_VALUE' });
});

t.test('random payload round trips', async (t) => {
  const sk = generateSecretKey();
  const rnd = (): number => Math.floor(Math.random() * 1e9);
  for (let i = 0; i < 100; i++) {
    const payload = { a: rnd(), b: [rnd(), 'x' + rnd(), { c: Math.random() }], d: new Uint8Array([rnd() & 255]), e: null, f: i % 2 === 0 };
    const tx = makeTx(sk, { nonce: i, payload });
    const back = Transaction.decode(tx.bytes);
    t.same(back.fields.payload, payload);
    t.equal(back.txidHex, tx.txidHex);
  }
});

t.test('the signing hash sliced from the signed bytes equals the re-encoded one', async (t) => {
  const sk = generateSecretKey();
  for (let i = 0; i < 50; i++) {
    const tx = makeTx(sk, { nonce: i * 1000, ...(i % 2 === 0 ? { subject: undefined } : {}), payload: { i, s: 'x'.repeat(i * 37) } });
    const decoded = Transaction.decode(tx.bytes);
    t.equal(toHex(decoded.sigHash), toHex(txSigningHash(decoded.fields)), `tx ${i}`);
  }
});
