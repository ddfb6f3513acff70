import t from 'tap';
import { sha256 } from '../../src/crypto/hash.js';
import { generateSecretKey, publicKeyFromSecret, signHash } from '../../src/crypto/signature.js';
import { SECP256K1_N, type SignatureVerifier } from '../../src/crypto/verifier.js';
import { loadNativeVerifier } from '../../src/crypto/verify-native.js';
import { nobleVerifier } from '../../src/crypto/verify-noble.js';
import { PARALLEL_VERIFY_MIN_BATCH, VerifyPool, VerifyPoolErrorCode, verifyMany, type BatchVerifier, type VerifyItem } from '../../src/crypto/verify-pool.js';
import { bigintToBytesBE, bytesToBigintBE, concatBytes } from '../../src/util/bytes.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

function flip(b: Uint8Array, i: number): Uint8Array {
  const out = Uint8Array.from(b);
  out[i]! ^= 0x01;
  return out;
}

// Valid signatures and every kind of invalid one, interleaved.
function mixedItems(count: number): { items: VerifyItem[]; kinds: string[] } {
  const keys = Array.from({ length: 4 }, () => generateSecretKey());
  const items: VerifyItem[] = [];
  const kinds: string[] = [];
  const variants = ['valid', 'tampered-msg', 'tampered-sig', 'wrong-key', 'high-s', 'r-zero', 's-overflow', 'bad-key', 'short-sig', 'valid'];
  for (let i = 0; i < count; i++) {
    const sk = keys[i % keys.length]!;
    const publicKey = publicKeyFromSecret(sk);
    const msgHash = sha256(utf8(`action ${i}`));
    const sig = signHash(msgHash, sk);
    const kind = variants[i % variants.length]!;
    kinds.push(kind);
    const s = bytesToBigintBE(sig.subarray(32));
    switch (kind) {
      case 'tampered-msg':
        items.push({ sig, msgHash: flip(msgHash, 3), publicKey });
        break;
      case 'tampered-sig':
        items.push({ sig: flip(sig, 40), msgHash, publicKey });
        break;
      case 'wrong-key':
        items.push({ sig, msgHash, publicKey: publicKeyFromSecret(keys[(i + 1) % keys.length]!) });
        break;
      case 'high-s':
        items.push({ sig: concatBytes(sig.subarray(0, 32), bigintToBytesBE(SECP256K1_N - s, 32)), msgHash, publicKey });
        break;
      case 'r-zero':
        items.push({ sig: concatBytes(new Uint8Array(32), sig.subarray(32)), msgHash, publicKey });
        break;
      case 's-overflow':
        items.push({ sig: concatBytes(sig.subarray(0, 32), bigintToBytesBE(SECP256K1_N + 1n, 32)), msgHash, publicKey });
        break;
      case 'bad-key':
        items.push({ sig, msgHash, publicKey: Uint8Array.of(0x04, ...publicKey.subarray(1)) });
        break;
      case 'short-sig':
        items.push({ sig: sig.subarray(0, 63), msgHash, publicKey });
        break;
      default:
        items.push({ sig, msgHash, publicKey });
    }
  }
  return { items, kinds };
}

const inline = (v: SignatureVerifier, items: readonly VerifyItem[]): boolean[] => items.map((it) => v.verify(it.sig, it.msgHash, it.publicKey));

const native = loadNativeVerifier();
const backends: ('auto' | 'noble')[] = ['auto', 'noble'];

for (const backend of backends) {
  t.test(`pool (${backend}) agrees with inline verification, high-S rejected`, async (t) => {
    const pool = new VerifyPool({ threads: 2, backend, minChunk: 16 }, {});
    t.teardown(() => pool.close());
    const { items, kinds } = mixedItems(backend === 'noble' ? 60 : 200);
    const got = await pool.verifyBatch(items);
    t.same(got, inline(nobleVerifier, items), 'same answers as the noble verifier');
    if (native !== null) t.same(got, inline(native, items), 'same answers as the native verifier');
    t.same(
      got.map((ok, i) => ok === (kinds[i] === 'valid')),
      got.map(() => true),
      'exactly the valid ones pass',
    );
    t.equal(pool.workerCount, 2);
    t.equal(pool.backend, backend === 'noble' ? 'noble' : (native?.name ?? 'noble'));
    t.equal(pool.impl, backend === 'noble' ? 'noble' : (native?.impl ?? 'noble'), 'workers run what the main thread runs');
    t.same(await pool.verifyBatch([]), []);
    t.same(await pool.verifyBatch(items.slice(0, 1)), [true]);
  });
}

t.test('concurrent batches are answered independently', async (t) => {
  const pool = new VerifyPool({ threads: 2, minChunk: 8 }, {});
  t.teardown(() => pool.close());
  const { items, kinds } = mixedItems(120);
  const slices = [items.slice(0, 50), items.slice(50, 51), items.slice(51)];
  const answers = await Promise.all(slices.map((s) => pool.verifyBatch(s)));
  t.same(
    answers.flat(),
    kinds.map((k) => k === 'valid'),
  );
});

t.test('close() terminates the workers and refuses later batches', async (t) => {
  const pool = new VerifyPool({ threads: 2 }, {});
  t.equal(pool.threads, 2);
  t.equal(pool.workerCount, 0, 'workers start on first use');
  const { items } = mixedItems(400);
  await pool.verifyBatch(items.slice(0, 10));
  t.equal(pool.workerCount, 2);
  const inFlight = t.rejects(pool.verifyBatch(items), { code: VerifyPoolErrorCode.closed }, 'a batch in flight is refused');
  await pool.close();
  t.equal(pool.workerCount, 0);
  await inFlight;
  await t.rejects(pool.verifyBatch(items), { code: VerifyPoolErrorCode.closed });
  await pool.close();
});

t.test('verifyMany: inline below PARALLEL_VERIFY_MIN_BATCH, pooled above, inline when the pool is gone', async (t) => {
  t.ok(PARALLEL_VERIFY_MIN_BATCH >= 2);
  const pool = new VerifyPool({ threads: 2 }, {});
  let batches = 0;
  const spy: BatchVerifier = { verifyBatch: (items) => (batches++, pool.verifyBatch(items)) };
  const { items, kinds } = mixedItems(PARALLEL_VERIFY_MIN_BATCH + 6);
  const expected = kinds.map((k) => k === 'valid');
  t.same(await verifyMany(items.slice(0, PARALLEL_VERIFY_MIN_BATCH - 1), spy), expected.slice(0, PARALLEL_VERIFY_MIN_BATCH - 1));
  t.equal(batches, 0);
  t.same(await verifyMany(items, spy), expected);
  t.equal(batches, 1);
  t.same(await verifyMany(items), expected, 'no pool: inline');
  await pool.close();
  t.same(await verifyMany(items, spy), expected, 'closed pool: inline fallback');
  const broken: BatchVerifier = { verifyBatch: () => Promise.reject(new Error('boom')) };
  await t.rejects(verifyMany(items, broken), { message: 'boom' }, 'other failures propagate');
});

t.test('a backend that cannot load fails the batch with VERIFY_POOL_WORKER_FAILED', { skip: native !== null && 'native loads here' }, async (t) => {
  const pool = new VerifyPool({ threads: 1, backend: 'native' }, {});
  t.teardown(() => pool.close());
  await t.rejects(pool.verifyBatch(mixedItems(2).items), { code: VerifyPoolErrorCode.workerFailed });
});
