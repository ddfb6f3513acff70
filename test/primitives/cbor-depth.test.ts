import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import t from 'tap';
import { cborToJson, jsonToCbor, txToJson } from '../../src/api/json.js';
import { signAction } from '../../src/wallet/tx-signer.js';
import { generateSecretKey } from '../../src/crypto/signature.js';
import { decodeEnvelope } from '../../src/wire/rpc.js';
import { canonicalForm, checkCborDepth, checkValueDepth, decodeCbor, encodeCbor, MAX_CBOR_DEPTH, type CborValue } from '../../src/primitives/cbor.js';
import { decodeMeta } from '../../src/primitives/meta.js';
import { Transaction } from '../../src/primitives/transaction.js';
import { agree, compactVerdict, nested, pathVerdicts, rawTxOfDepth, txOfDepth, verdictOf, type PathVerdicts } from '../reliability/depth-targets.js';

const CHAIN = new Uint8Array(32).fill(7);
const SK = generateSecretKey();
const ALL_OK: PathVerdicts = { mempool: 'ok', block: 'ok', sync: 'ok', relay: 'ok' };
const ALL_DEEP: PathVerdicts = { mempool: 'DECODE_TOO_DEEP', block: 'DECODE_TOO_DEEP', sync: 'DECODE_TOO_DEEP', relay: 'DECODE_TOO_DEEP' };
// Depth -> expected verdicts on every path. 60,000 levels is about as deep as fits in maxTxBytes (64 KiB).
const EXPECTED: Record<number, PathVerdicts> = {
  1: ALL_OK,
  2: ALL_OK,
  31: ALL_OK,
  32: ALL_OK,
  33: ALL_DEEP,
  64: ALL_DEEP,
  65: ALL_DEEP,
  4500: ALL_DEEP,
  7000: ALL_DEEP,
  60_000: ALL_DEEP,
};

function txBytes(depth: number): Uint8Array {
  return depth <= 64 ? txOfDepth(SK, CHAIN, 0, depth) : rawTxOfDepth(SK, CHAIN, depth);
}

// Array heads around a null: `levels` levels.
function rawArrays(levels: number, inner = 0xf6): Uint8Array {
  const out = new Uint8Array(levels + 1).fill(0x81);
  out[levels] = inner;
  return out;
}

t.test('fault 1: validity depends on stack and JIT state: depth 32 accepted, 33 refused with DECODE_TOO_DEEP on every path (cold)', async (t) => {
  // The first calls of this process, before anything warmed the decoders up.
  for (const [depth, expected] of Object.entries(EXPECTED)) {
    t.same(pathVerdicts(txBytes(Number(depth))), expected, `depth ${depth}`);
  }
});

t.test('fault 1: the verdicts stay the same after many thousands of calls (warm)', async (t) => {
  const cases = Object.entries(EXPECTED).map(([d, v]) => ({ depth: Number(d), bytes: txBytes(Number(d)), expected: v }));
  let calls = 0;
  let wrong = 0;
  for (let round = 0; round < 1500; round++) {
    for (const c of cases) {
      const v = pathVerdicts(c.bytes);
      calls += 4;
      if (JSON.stringify(v) !== JSON.stringify(c.expected)) wrong++;
    }
  }
  t.ok(calls >= 50_000, `${calls} decoding calls`);
  t.equal(wrong, 0, 'no verdict changed');
  // And again through the single-transaction decoder at its hottest.
  const d32 = cases.find((c) => c.depth === 32)!.bytes;
  const d33 = cases.find((c) => c.depth === 33)!.bytes;
  for (let i = 0; i < 20_000; i++) {
    Transaction.decode(d32);
    if (verdictOf(() => Transaction.decode(d33)) !== 'DECODE_TOO_DEEP') wrong++;
  }
  t.equal(wrong, 0, 'depth 33 refused on every one of 20,000 hot calls');
});

const CHILD = fileURLToPath(new URL('./depth-child.ts', import.meta.url));
const LOADER = pathToFileURL(fileURLToPath(new URL('../chain/ts-strip-loader.mjs', import.meta.url))).href;

function runChild(stackArgs: string[], depths: number[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [...stackArgs, '--experimental-transform-types', '--no-warnings', `--import=${LOADER}`, CHILD, ...depths.map(String)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('exit', (code) => resolve({ code, out, err }));
  });
}

t.test('fault 1: the same verdicts in fresh processes, with the default and with a small --stack-size', async (t) => {
  const depths = Object.keys(EXPECTED).map(Number);
  for (const stack of [[], ['--stack-size=120']]) {
    const r = await runChild(stack, depths);
    t.equal(r.code, 0, `child ${stack.join(' ') || '(default stack)'} exited cleanly: ${r.err.slice(0, 500)}`);
    const got = JSON.parse(r.out) as Record<string, PathVerdicts>;
    for (const d of depths) t.same(got[d], EXPECTED[d], `${stack.join(' ') || 'default stack'}: depth ${d}`);
  }
});

t.test('level counting: only arrays and maps open a level; the outermost one is level 1', async (t) => {
  t.equal(MAX_CBOR_DEPTH, 32);
  const ok = (b: Uint8Array): string => verdictOf(() => checkCborDepth(b, 'x'));
  t.equal(ok(Uint8Array.of(0x01)), 'ok', 'a scalar has depth 0');
  t.equal(ok(rawArrays(32)), 'ok', '32 arrays');
  t.equal(ok(rawArrays(33)), 'DECODE_TOO_DEEP', '33 arrays');
  const emptyAt = (levels: number): Uint8Array => {
    const b = rawArrays(levels - 1, 0x80);
    return b;
  };
  t.equal(ok(emptyAt(32)), 'ok', 'an empty array at level 32');
  t.equal(ok(emptyAt(33)), 'DECODE_TOO_DEEP', 'an empty array still opens level 33');
  // Maps: {"a": {"a": ... }} 33 deep; keys and values both sit one level below their map.
  const maps = (levels: number): Uint8Array => {
    const out: number[] = [];
    for (let i = 0; i < levels - 1; i++) out.push(0xa1, 0x61, 0x61);
    out.push(0xa0);
    return Uint8Array.from(out);
  };
  t.equal(ok(maps(32)), 'ok', '32 maps');
  t.equal(ok(maps(33)), 'DECODE_TOO_DEEP', '33 maps');
  // Tags mark the next item and open no level.
  const tagged = Uint8Array.from([...new Array(100).fill(0xc6), ...rawArrays(32)]);
  t.equal(ok(tagged), 'ok', 'tags open no level');
  // Siblings: the depth is the deepest branch, not the count of containers.
  const wide = Uint8Array.from([0x98, 40, ...new Array(40).fill(0x80)]);
  t.equal(ok(wide), 'ok', '40 sibling arrays are depth 2');
  const deepLast = Uint8Array.from([0x82, 0x01, ...rawArrays(32)]);
  t.equal(ok(deepLast), 'DECODE_TOO_DEEP', 'a deep second element makes 33');
  // A structural fault stops the scan; the strict decoder names it.
  t.throws(() => decodeCbor(Uint8Array.of(0x82, 0x81), 'x'), { code: 'DECODE_MALFORMED' }, 'truncated');
  t.throws(() => decodeCbor(Uint8Array.from([0x9f, ...rawArrays(40)]), 'x'), { code: 'DECODE_MALFORMED' }, 'indefinite array');
  t.throws(() => decodeCbor(Uint8Array.from([...rawArrays(40).subarray(0, 40)]), 'x'), { code: 'DECODE_TOO_DEEP' }, 'too deep before it is truncated');
  t.equal(ok(rawArrays(1_000_000)), 'DECODE_TOO_DEEP', 'a million levels: refused without recursion');
});

t.test('every recursive walk is bounded: canonical check, fast decoder, envelopes, metas, compact blocks', async (t) => {
  const deep = rawArrays(200_000);
  t.throws(() => canonicalForm(deep), { code: 'DECODE_TOO_DEEP' }, 'canonicalForm refuses instead of overflowing the stack');
  t.throws(() => decodeCbor(deep, 'x'), { code: 'DECODE_TOO_DEEP' });
  t.throws(() => decodeEnvelope(deep, 'message'), { code: 'DECODE_TOO_DEEP' }, 'network message envelopes');
  const deepMeta = encodeCbor({ height: 1, extra: new Uint8Array(0) }).slice();
  t.equal(
    verdictOf(() => decodeMeta(deepMeta)),
    'ok',
  );
  const metaBytes = Uint8Array.from([0xa2, 0x65, ...Buffer.from('extra'), ...rawArrays(40), 0x66, ...Buffer.from('height'), 0x01]);
  t.equal(
    verdictOf(() => decodeMeta(metaBytes)),
    'DECODE_TOO_DEEP',
    'meta',
  );
  const compact = Uint8Array.from([
    0xa3,
    0x64,
    ...Buffer.from('meta'),
    ...rawArrays(40),
    0x65,
    ...Buffer.from('txids'),
    0x80,
    0x66,
    ...Buffer.from('header'),
    0x58,
    80,
    ...new Uint8Array(80),
  ]);
  t.equal(compactVerdict(compact), 'DECODE_TOO_DEEP', 'compact block (block topic)');
});

t.test('fault 1: building a transaction deeper than 32 levels is refused with the same code', async (t) => {
  // Transaction.sign: payload of 31 levels makes a 32-level transaction.
  t.ok(Transaction.sign({ chain: CHAIN, nonce: 0, time: 1, kind: 'k', payload: nested(31) }, SK), 'depth 32 signs');
  t.throws(() => Transaction.sign({ chain: CHAIN, nonce: 0, time: 1, kind: 'k', payload: nested(32) }, SK), { code: 'DECODE_TOO_DEEP' }, 'depth 33 does not');
  t.throws(
    () => Transaction.sign({ chain: CHAIN, nonce: 0, time: 1, kind: 'k', payload: nested(100_000) }, SK),
    { code: 'DECODE_TOO_DEEP' },
    'nor 100,000 levels (no stack overflow)',
  );
  // The client's JSON payloads (CLI `tx send --payload`): same rule, same code.
  const json = (levels: number): unknown => {
    let v: unknown = 'x';
    for (let i = 0; i < levels; i++) v = i % 2 === 0 ? [v] : { k: v };
    return v;
  };
  const action = (levels: number) => () => signAction(SK, { kind: 'k', payload: json(levels) }, { chainId: CHAIN, nonce: 0 });
  const tx = action(31)();
  t.equal(Transaction.decode(tx.bytes).fields.kind, 'k', 'a 31-level JSON payload gives a valid 32-level transaction');
  t.throws(action(32), { code: 'DECODE_TOO_DEEP' });
  t.throws(action(500_000), { code: 'DECODE_TOO_DEEP' });
  t.throws(() => jsonToCbor(json(500_000)), { code: 'DECODE_TOO_DEEP' }, 'jsonToCbor');
  // Rendering: whatever is decoded renders; an in-memory value deeper than the rule is refused, not a RangeError.
  t.equal(JSON.stringify(txToJson(Transaction.decode(txOfDepth(SK, CHAIN, 0, 32))).payload), JSON.stringify(nested(31)));
  t.throws(() => cborToJson(nested(500_000)), { code: 'DECODE_TOO_DEEP' }, 'cborToJson');
  const cyclic: Record<string, CborValue> = {};
  cyclic.self = cyclic;
  t.throws(() => checkValueDepth(cyclic, 'x'), { code: 'DECODE_TOO_DEEP' }, 'a cyclic value');
  t.throws(() => encodeCbor(nested(33)), { code: 'DECODE_TOO_DEEP' }, 'encodeCbor');
  t.equal(encodeCbor(nested(32)).byteLength > 32, true, 'encodeCbor of exactly the limit');
  t.throws(() => encodeCbor(cyclic), { code: 'DECODE_TOO_DEEP' }, 'encodeCbor of a cyclic value');
  t.ok(agree(pathVerdicts(tx.bytes)));
});
