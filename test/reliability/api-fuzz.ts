// HTTP API fuzzing against a real node: random methods, paths (every route of the node's own OpenAPI document,
// with random parameters, plus random paths), query strings, headers and bodies (random JSON, broken JSON, JSON
// nested far past any limit, transactions from the decoder fuzzing). A reply is bad when it is a 5xx other than
// the documented 503 codes, or an error without a JSON `{error: {code}}` body; for submitted transactions that
// do not decode, the API's code must be the decoder's (the mempool path's verdict).
import fc from 'fast-check';
import { toHex } from '../../src/util/bytes.js';
import { Transaction } from '../../src/primitives/transaction.js';
import { LIMITS, verdictOf } from './depth-targets.js';
import { txInputs } from './fuzz-inputs.js';
import type { FuzzOutcome } from './fuzz-targets.js';

/** One request to send. */
export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** Set for a single-transaction submission: the bytes submitted. */
  tx?: Uint8Array;
}

// 503 is how the node says "not now" (full mempool, not synced): documented codes, not failures.
const DOCUMENTED_5XX = new Set(['MEMPOOL_FULL', 'NOT_READY']);

const segment = fc.oneof(
  fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => toHex(b)),
  fc.uint8Array({ minLength: 33, maxLength: 33 }).map((b) => toHex(b)),
  fc.uint8Array({ maxLength: 40 }).map((b) => toHex(b)),
  fc.integer().map(String),
  fc.constantFrom('0', '-1', '1e309', '9007199254740993', 'NaN', 'tip', 'null', '..', '%00', '%ff', '%2e%2e%2f', 'a'.repeat(5000), '💥', ' '),
  fc.string({ maxLength: 30 }).map(encodeURIComponent),
);

const query = fc
  .array(
    fc.tuple(
      fc.constantFrom('limit', 'cursor', 'full', 'types', 'actor', 'kind', 'subject', 'from', 'to', 'offset', 'x', 'limit[]'),
      fc.oneof(segment, fc.constantFrom('true', 'false', '1000000', '-5', 'block,tx', 'bogus')),
    ),
    { maxLength: 4 },
  )
  .map((kv) => (kv.length === 0 ? '' : `?${kv.map(([k, v]) => `${k}=${v}`).join('&')}`));

function deepJson(levels: number, open: string, close: string): string {
  return open.repeat(levels) + '1' + close.repeat(levels);
}

const body = fc.oneof(
  fc.jsonValue({ maxDepth: 6 }).map((v) => JSON.stringify(v)),
  txInputs.map((b) => JSON.stringify({ tx: toHex(b) })),
  fc.array(txInputs, { minLength: 1, maxLength: 5 }).map((bs) => JSON.stringify({ txs: bs.map(toHex) })),
  fc.integer({ min: 30, max: 200_000 }).map((n) => deepJson(n, '[', ']')),
  fc.integer({ min: 30, max: 100_000 }).map((n) => `{"tx":${deepJson(n, '{"a":', '}')}}`),
  fc.constantFrom(
    '',
    '{',
    '{"tx":',
    'null',
    '[]',
    '{"tx":"zz"}',
    '{"tx":"0"}',
    '{"txs":[]}',
    '{"__proto__":{"x":1}}',
    '{"constructor":{"prototype":{}}}',
    '\u0000',
  ),
  fc.string({ maxLength: 200 }),
);

/** Random requests against the routes of `paths` (OpenAPI path templates such as `/txs/{txid}`). */
export function apiRequests(paths: string[]): fc.Arbitrary<FuzzRequest> {
  const templated = fc.tuple(fc.constantFrom(...paths), fc.array(segment, { minLength: 4, maxLength: 4 })).map(([p, segs]) => {
    let i = 0;
    return p.replace(/\{[^}]+\}/g, () => segs[i++ % segs.length]!);
  });
  const randomPath = fc.array(segment, { minLength: 0, maxLength: 4 }).map((s) => `/${s.join('/')}`);
  const contentType = fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/cbor',
  );
  const auth = fc.option(fc.constantFrom('Bearer ', 'Bearer x', 'Basic Zm9vOmJhcg==', `Bearer ${'a'.repeat(64)}`), { nil: undefined });
  const general = fc
    .record({
      method: fc.constantFrom('GET', 'GET', 'GET', 'POST', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'),
      path: fc.oneof({ arbitrary: templated, weight: 4 }, { arbitrary: randomPath, weight: 1 }),
      q: query,
      body,
      contentType,
      auth,
    })
    .map(({ method, path, q, body, contentType, auth }) => {
      const headers: Record<string, string> = {};
      if (auth !== undefined) headers.authorization = auth;
      const withBody = method !== 'GET' && method !== 'OPTIONS';
      if (withBody) headers['content-type'] = contentType;
      return { method, path: path + q, headers, ...(withBody ? { body } : {}) };
    });
  const submit = txInputs.map((tx) => ({
    method: 'POST',
    path: '/txs',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tx: toHex(tx) }),
    tx,
  }));
  return fc.oneof({ arbitrary: general, weight: 3 }, { arbitrary: submit, weight: 1 });
}

/** Send one request to the node at `base` and judge the reply. */
export async function sendFuzzRequest(base: string, req: FuzzRequest): Promise<FuzzOutcome & { status?: number }> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), 15_000);
  try {
    const r = await fetch(base + req.path, { method: req.method, headers: req.headers, body: req.body, signal: ac.signal });
    const type = r.headers.get('content-type') ?? '';
    if (type.startsWith('text/event-stream')) {
      ac.abort();
      return { status: r.status };
    }
    const text = await r.text();
    const where = `${req.method} ${req.path.slice(0, 120)}`;
    let code: unknown;
    if (r.status >= 400) {
      try {
        code = (JSON.parse(text) as { error?: { code?: unknown } }).error?.code;
      } catch {
        return { status: r.status, crash: `${where}: ${r.status} without a JSON body: ${text.slice(0, 200)}` };
      }
      if (typeof code !== 'string' || !/^[A-Z][A-Z0-9_]+$/.test(code))
        return { status: r.status, crash: `${where}: ${r.status} without an error code: ${text.slice(0, 200)}` };
      if (r.status >= 500 && !(r.status === 503 && DOCUMENTED_5XX.has(code))) return { status: r.status, crash: `${where}: ${r.status} ${code}` };
    }
    if (req.tx !== undefined) {
      // The request schema may refuse first (e.g. an empty string); what reaches the decoder gets its verdict.
      const decoded = verdictOf(() => Transaction.decode(req.tx!, { maxBytes: LIMITS.maxTxBytes }));
      const apiDecode = typeof code === 'string' && code.startsWith('DECODE_') ? code : 'ok';
      if (decoded !== 'ok' && r.status < 400) return { status: r.status, divergent: `decoder says ${decoded}, POST /txs accepted it` };
      if (r.status >= 400 && apiDecode !== 'ok' && apiDecode !== decoded)
        return { status: r.status, divergent: `decoder says ${decoded}, POST /txs says ${code}` };
    }
    return { status: r.status };
  } catch (err) {
    return { crash: `${req.method} ${req.path.slice(0, 120)}: request failed: ${(err as Error).message}` };
  } finally {
    clearTimeout(timer);
  }
}

/** The route templates of a running node's OpenAPI document. */
export async function apiPaths(base: string): Promise<string[]> {
  const doc = (await (await fetch(`${base}/openapi.json`)).json()) as { paths: Record<string, unknown> };
  return Object.keys(doc.paths);
}
