import type { FastifyInstance } from 'fastify';
import { leafHash } from '../../crypto/merkle.js';
import { type Finality } from '../../finality/finality.js';
import { encodeBase64 } from '../../log/note.js';
import { toHex } from '../../util/bytes.js';
import type { ApiContext } from '../context.js';
import { ApiError } from '../errors.js';

const count = { type: 'integer', minimum: 0, maximum: 0xffffffff } as const;
const b64 = { type: 'string', description: 'standard base64 of a 32-byte hash' } as const;

/** JSON of the latest final checkpoint. */
export interface FinalCheckpointJson {
  origin: string;
  size: number;
  root: string;
  height: number;
  blockHash: string;
  signers: string[];
  /** Seconds since this node learnt it was final. */
  age: number;
  /** The C2SP signed note with every known signature. */
  note: string;
  witnesses: string[];
  threshold: number;
}

function finalityOf(ctx: ApiContext): Finality {
  if (ctx.finality === undefined) throw new ApiError('NOT_READY', 'finality is not running', 503);
  return ctx.finality;
}

function latest(ctx: ApiContext): NonNullable<Finality['latestFinal']> {
  const f = finalityOf(ctx).latestFinal;
  if (f === undefined) throw new ApiError('LOG_NO_FINAL_CHECKPOINT', 'no checkpoint is final yet', 404);
  return f;
}

/** Header log routes for monitors (SPEC 12): final checkpoint, proofs, raw headers. */
export function logRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get(
    '/log/checkpoint',
    {
      schema: {
        summary: 'The latest final checkpoint of the header log as a C2SP signed note (text/plain) with every known witness signature',
        tags: ['log'],
        produces: ['text/plain'],
      },
    },
    async (_req, reply) => {
      const f = latest(ctx);
      return reply.type('text/plain; charset=utf-8').send(f.note);
    },
  );

  app.get(
    '/log/checkpoint.json',
    { schema: { summary: 'The latest final checkpoint (JSON, with the signed note)', tags: ['log'] } },
    async (): Promise<FinalCheckpointJson> => {
      const fin = finalityOf(ctx);
      const f = latest(ctx);
      return {
        origin: fin.options.origin,
        size: f.size,
        root: encodeBase64(f.root),
        height: f.height,
        blockHash: f.blockHash,
        signers: f.signers,
        age: Math.max(0, Math.floor(((ctx.now ?? Date.now)() - f.at) / 1000)),
        note: f.note,
        witnesses: fin.options.witnesses.map((w) => w.vkey),
        threshold: fin.options.threshold,
      };
    },
  );

  app.get<{ Querystring: { height: number; size?: number } }>(
    '/log/proof/inclusion',
    {
      schema: {
        summary: 'RFC 6962 inclusion proof of the header at `height` in the header log of `size` leaves (default: the whole log)',
        tags: ['log'],
        querystring: { type: 'object', additionalProperties: false, properties: { height: count, size: count }, required: ['height'] },
        response: {
          200: {
            type: 'object',
            properties: {
              height: { type: 'integer' },
              size: { type: 'integer' },
              root: b64,
              leafHash: b64,
              header: { type: 'string' },
              path: { type: 'array', items: b64 },
            },
          },
        },
      },
    },
    async (req) => {
      const log = ctx.chain.headerLog;
      const size = req.query.size ?? log.size;
      const p = await log.inclusionProof(req.query.height, size);
      const header = ctx.chain.nodeAt(req.query.height)!.header.bytes;
      return {
        height: p.index,
        size: p.size,
        root: encodeBase64(p.root),
        leafHash: encodeBase64(leafHash(header)),
        header: toHex(header),
        path: p.path.map(encodeBase64),
      };
    },
  );

  app.get<{ Querystring: { from: number; to?: number } }>(
    '/log/proof/consistency',
    {
      schema: {
        summary: 'RFC 6962 consistency proof between header log sizes `from` and `to` (default: the whole log)',
        tags: ['log'],
        querystring: { type: 'object', additionalProperties: false, properties: { from: count, to: count }, required: ['from'] },
        response: {
          200: {
            type: 'object',
            properties: { from: { type: 'integer' }, to: { type: 'integer' }, fromRoot: b64, toRoot: b64, proof: { type: 'array', items: b64 } },
          },
        },
      },
    },
    async (req) => {
      const log = ctx.chain.headerLog;
      const to = req.query.to ?? log.size;
      const from = req.query.from;
      if (from < 1 || from > to) throw new ApiError('LOG_BAD_SIZE', `cannot prove size ${from} against size ${to}`);
      const proof = await log.consistencyProof(from, to);
      return { from, to, fromRoot: encodeBase64(await log.rootAt(from)), toRoot: encodeBase64(await log.rootAt(to)), proof: proof.map(encodeBase64) };
    },
  );

  app.get<{ Params: { height: string } }>(
    '/log/headers/:height',
    {
      schema: {
        summary: 'The 80-byte main-chain header at `height` (leaf `height` of the header log), raw bytes',
        tags: ['log'],
        params: { type: 'object', properties: { height: { type: 'string', pattern: '^[0-9]{1,10}$' } }, required: ['height'] },
        produces: ['application/octet-stream'],
      },
    },
    async (req, reply) => {
      const node = ctx.chain.nodeAt(Number(req.params.height));
      if (node === undefined) throw new ApiError('BLOCK_NOT_FOUND', `no main-chain block at height ${req.params.height}`);
      return reply.type('application/octet-stream').send(Buffer.from(node.header.bytes));
    },
  );
}
