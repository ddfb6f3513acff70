/**
 * Response shapes (src/api/types.ts) for the OpenAPI document of routes that declare none, so the generated
 * client types (src/sdk/api-types.ts, `npm run gen:api-types`) know what the routes the SDK uses answer. They
 * annotate the document only (fastify does not serialize with them); test/sdk/api-types.test.ts checks live
 * answers against them. A route that declares its own `response` schema keeps it.
 */

import type { FastifySchema } from 'fastify';

type Schema = Record<string, unknown>;

const str = { type: 'string' } as const;
const int = { type: 'integer' } as const;
const num = { type: 'number' } as const;
const bool = { type: 'boolean' } as const;
const obj = (properties: Record<string, Schema>, optional: string[] = []): Schema => ({
  type: 'object',
  required: Object.keys(properties).filter((k) => !optional.includes(k)),
  properties,
});

/** Error body of every failed request (`{error: {code, message}}`). */
export const ERROR_BODY_SCHEMA: Schema = obj({ error: obj({ code: str, message: str }) });

const TX_SCHEMA = obj({ txid: str, v: int, chain: str, from: str, nonce: int, time: int, kind: str, subject: str, payload: {}, sig: str, size: int }, [
  'subject',
]);

const MINING_SCHEMA = obj({
  enabled: bool,
  backend: { type: ['string', 'null'] },
  hashrate: num,
  threads: int,
  blocksMined: int,
  cpuPath: { type: ['string', 'null'] },
  cpuCalibration: {
    oneOf: [
      { type: 'null' },
      obj({ paths: { type: 'array', items: obj({ path: str, hashesPerSecond: num }) }, chosen: str, threads: int, ms: num, measuredAt: str, cached: bool }),
    ],
  },
});

const FINALITY_SCHEMA = obj({
  final: { oneOf: [{ type: 'null' }, obj({ size: int, height: int, hash: str, age: num, signers: int })] },
  witnesses: int,
  threshold: int,
  depth: int,
  witness: obj({ key: { type: ['string', 'null'] }, signing: bool, halted: { type: ['string', 'null'] }, lastSignedSize: { type: ['integer', 'null'] } }),
});

/** Success responses by `METHOD url` (fastify's URL syntax), each with its status. */
export const RESPONSE_SCHEMAS: Record<string, Record<number, Schema>> = {
  'POST /txs': { 202: obj({ txid: str, status: { type: 'string', enum: ['accepted', 'duplicate'] } }) },
  'POST /txs/batch': {
    200: obj({
      accepted: int,
      rejected: int,
      results: { type: 'array', items: obj({ txid: str, ok: bool, code: str, message: str }, ['txid', 'code', 'message']) },
    }),
  },
  'GET /txs/:txid': {
    200: obj(
      {
        tx: TX_SCHEMA,
        status: { type: 'string', enum: ['mined', 'pending'] },
        block: obj({ hash: str, height: int, index: int, time: int }),
        confirmations: int,
      },
      ['block'],
    ),
  },
  'GET /accounts/:actor': { 200: obj({ actor: str, nextNonce: int, pendingNonce: int, pending: int }) },
  'GET /health': { 200: obj({ live: bool, ready: bool, height: int }) },
  'GET /health/ready': { 200: obj({ ready: bool, height: int }) },
  'GET /mining': { 200: MINING_SCHEMA },
  'GET /mempool': { 200: obj({ count: int, bytes: int, actors: int }) },
  'GET /status': {
    200: obj(
      {
        version: str,
        network: str,
        chainId: str,
        height: int,
        tip: obj({ hash: str, time: int, age: num }),
        chainWork: str,
        mempool: obj({ count: int, bytes: int }),
        peers: int,
        mining: MINING_SCHEMA,
        api: obj({ url: str }),
        uptime: num,
        sync: obj({ progress: num, syncing: bool }),
        finality: FINALITY_SCHEMA,
      },
      ['finality'],
    ),
  },
};

/**
 * @fastify/swagger `transform`: adds {@link RESPONSE_SCHEMAS} (and the error body as `default`) to the route's
 * documented schema when the route declares no response itself.
 */
export function documentResponses(input: { schema: FastifySchema; url: string; route: { method: string | string[] } }): { schema: FastifySchema; url: string } {
  const { schema, url, route } = input;
  const method = Array.isArray(route.method) ? route.method[0] : route.method;
  const known = RESPONSE_SCHEMAS[`${method} ${url}`];
  // Routes without any schema reach here with `schema` undefined.
  if (known === undefined || schema?.response !== undefined) return { schema, url };
  const response: Record<string, Schema> = { default: { description: 'Error: {error: {code, message}} with a stable code', ...ERROR_BODY_SCHEMA } };
  for (const [status, s] of Object.entries(known)) response[status] = { description: 'Success', ...s };
  return { schema: { ...schema, response }, url };
}
