// The error catalogue (src/error-codes/): one typed union of codes, each with an HTTP status, a generated
// reference in docs/error-codes.md, and the compiler refusing a code that is not in it.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import t from 'tap';
import ts from 'typescript';
import { renderErrorCodes, ERROR_CODES_DOC } from '../../scripts/gen-error-codes.js';
import { ApiError, STATUS_BY_CODE, toErrorResponse } from '../../src/api/errors.js';
import { AuthError } from '../../src/auth/errors.js';
import { BlockRules } from '../../src/chain/errors.js';
import { ERROR_CATALOGUE, codeInfo, isErrorCode } from '../../src/error-codes/catalogue.js';
import type { CodeInfo } from '../../src/error-codes/table.js';
import { ChainNodeError, hasCode } from '../../src/errors.js';
import { MempoolErrorCode } from '../../src/mempool/errors.js';
import { DecodeErrorCode } from '../../src/primitives/errors.js';
import { StoreErrorCode } from '../../src/store/errors.js';
import { WebhookErrorCode } from '../../src/webhooks/errors.js';
import { P2pErrorCode } from '../../src/wire/errors.js';

const root = resolve(import.meta.dirname, '../..');
const tables = Object.entries(ERROR_CATALOGUE) as [string, Record<string, CodeInfo>][];

t.test('docs/error-codes.md is what npm run gen:error-codes writes from the catalogue', async (t) => {
  const checkedIn = readFileSync(join(root, ERROR_CODES_DOC), 'utf8');
  t.equal(checkedIn, renderErrorCodes(), 'run npm run gen:error-codes and commit docs/error-codes.md');
  for (const [, table] of tables) for (const code of Object.keys(table)) t.ok(checkedIn.includes(`| \`${code}\` |`), `${code} is documented`);
});

t.test('each code is listed once, with an HTTP error status and a meaning', async (t) => {
  const seen = new Map<string, string>();
  for (const [module, table] of tables) {
    for (const [code, info] of Object.entries(table)) {
      t.notOk(seen.has(code), `${code} is listed by ${module} and by ${seen.get(code) ?? 'no other module'}`);
      seen.set(code, module);
      t.match(code, /^[A-Z][A-Z0-9_]+$/, `${code} is an upper-case code`);
      t.ok(Number.isInteger(info.status) && info.status >= 400 && info.status <= 599, `${code}: status ${info.status}`);
      t.ok(info.doc.length > 0, `${code} has a meaning`);
    }
  }
  t.ok(seen.size > 200, `${seen.size} codes`);
});

t.test('the HTTP status table holds exactly the catalogue, and errors answer with it', async (t) => {
  const codes = tables.flatMap(([, table]) => Object.keys(table)).sort();
  t.same(Object.keys(STATUS_BY_CODE).sort(), codes);
  t.equal(STATUS_BY_CODE.TX_NOT_FOUND, 404);
  t.equal(STATUS_BY_CODE.QUERY_TOO_LARGE, 413);
  t.equal(STATUS_BY_CODE.MEMPOOL_FULL, 503);
  t.equal(STATUS_BY_CODE.BLOCK_BAD_POW, 400, 'a code without a specific status answers 400, as before');
  t.equal(new ApiError('KEY_LOCKED', 'locked').status, 423);
  t.equal(new ApiError('KEY_LOCKED', 'locked', 409).status, 409, 'an explicit status wins');
  t.equal(new AuthError('AUTH_FORBIDDEN', 'no scope').status, 403);
  t.equal(new AuthError('AUTH_REQUIRED', 'no credential').status, codeInfo('AUTH_REQUIRED').status);
  t.same(toErrorResponse(new ChainNodeError('DID_NOT_FOUND', 'no such identity')), { status: 404, code: 'DID_NOT_FOUND', message: 'no such identity' });
  t.same(toErrorResponse(new ChainNodeError('STORE_CORRUPT', 'bad')), { status: 400, code: 'STORE_CORRUPT', message: 'bad' });
});

t.test('the module code tables name catalogue codes only', async (t) => {
  const values = [
    ...Object.keys(BlockRules),
    ...Object.values(MempoolErrorCode),
    ...Object.values(DecodeErrorCode),
    ...Object.values(StoreErrorCode),
    ...Object.values(WebhookErrorCode),
    ...Object.values(P2pErrorCode),
  ];
  for (const code of values) t.ok(isErrorCode(code), code);
  t.notOk(isErrorCode('NOPE'));
  t.ok(hasCode(new ChainNodeError('TX_SCHEMA', 'x'), 'TX_SCHEMA'));
});

/** Type-check `source` (a module in test/errors/) against the real src/ and return the diagnostics' text. */
function typeErrors(source: string): string[] {
  const file = join(root, 'test/errors/__snippet.ts');
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2023,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, ...rest) => (name === file ? ts.createSourceFile(name, source, lang) : getSourceFile(name, lang, ...rest));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === file || fileExists(name);
  const program = ts.createProgram([file], options, host);
  return ts.getPreEmitDiagnostics(program, program.getSourceFile(file)).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

t.test('the compiler refuses a code that is not in the catalogue (npm run lint type-checks)', async (t) => {
  const ok = typeErrors(`import { ChainNodeError, hasCode } from '../../src/errors.js';
import { ApiError, STATUS_BY_CODE } from '../../src/api/errors.js';
export const a = new ChainNodeError('BLOCK_BAD_POW', 'x');
export const b = new ApiError('TX_NOT_FOUND', 'x');
export const c = hasCode(a, 'TX_SCHEMA') ? STATUS_BY_CODE.TX_SCHEMA : 0;
`);
  t.same(ok, [], 'known codes type-check');
  const bad = typeErrors(`import { ChainNodeError, hasCode, type ErrorCode } from '../../src/errors.js';
import { ApiError } from '../../src/api/errors.js';
export const a = new ChainNodeError('NOPE', 'x');
export const b = new ApiError('NOT_A_CODE', 'x');
export const c = hasCode(a, 'TX_SCHEMAX');
export const d: Partial<Record<ErrorCode, number>> = { UNKNOWN_STATUS: 400 };
`);
  t.equal(bad.length, 4, bad.join('\n'));
  t.match(bad[0], /'"NOPE"' is not assignable to parameter of type 'ErrorCode'/);
  t.match(bad[1], /'"NOT_A_CODE"' is not assignable/);
  t.match(bad[2], /'"TX_SCHEMAX"' is not assignable/);
  t.match(bad[3], /UNKNOWN_STATUS/);
});

/** Codes tests name that are not error codes of this node, each with why. */
const NOT_ERROR_CODES: Readonly<Record<string, string>> = {
  SSE_HISTORY_EXCEEDED: 'resync event code (api/types.ts SseResync), not an error',
  SSE_EVENT_UNKNOWN: 'resync event code (api/types.ts SseResync), not an error',
  P2P_OPERATOR_BLOCK: 'ban record code (p2p/penalties.ts BanCode)',
  API_EXPOSED: 'log record code (api/security-setup.ts)',
  HTTP_502: 'client-side code for an API answer without a code (client/api-client.ts HTTP_<status>)',
  BAD_GATEWAY: 'a code sent by a fake upstream in an SDK test',
  TX_SCHEMAX: 'the unknown code this test feeds the compiler',
  FST_ERR_SERVER_CLOSING: 'fastify error code',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'Node TLS error code',
  ECONNRESET: 'Node socket error code',
};

t.test('every code a test asserts is in the catalogue (or named above as not an error code)', async (t) => {
  const files = readdirSync(join(root, 'test'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  const asserted = new Map<string, string>();
  const pattern = /(?:\bcode\b['"]?\s*[:,)]\s*|hasCode\([^,()]+,\s*)'([A-Z][A-Z0-9_]{3,})'/g;
  for (const f of files) {
    for (const m of readFileSync(join(root, 'test', f), 'utf8').matchAll(pattern)) if (!asserted.has(m[1]!)) asserted.set(m[1]!, f);
  }
  t.ok(asserted.size > 100, `${asserted.size} codes named by tests`);
  for (const [code, file] of asserted) t.ok(isErrorCode(code) || code in NOT_ERROR_CODES, `${code} (test/${file})`);
});
