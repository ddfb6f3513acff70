import type { FastifyInstance } from 'fastify';
import { ChainNodeError } from '../../errors.js';
import { addressSource } from '../../mempool/sources.js';
import { fromHex } from '../../util/bytes.js';
import { DecodeError } from '../../primitives/errors.js';
import { Transaction } from '../../primitives/transaction.js';
import type { ApiContext } from '../context.js';
import { BlockReader } from '../block-reader.js';
import { ApiError } from '../errors.js';
import { txToJson, withIdentityFlags } from '../json.js';
import { SubmissionBatcher } from '../submit-batcher.js';
import type { SubmitBatchResponse, SubmitTxResponse, TxStatusJson } from '../types.js';
import { S } from './schemas.js';

const MAX_BATCH = 5000;

/** Decode a submitted tx; failures never reach the mempool (whose totals feed the metric), so they count here. */
function decodeTx(ctx: ApiContext, hex: string): Transaction {
  let error: ApiError;
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) error = new ApiError('TX_BAD_HEX', 'tx must be hex');
  else {
    try {
      return Transaction.decode(fromHex(hex), { maxBytes: ctx.network.maxTxBytes });
    } catch (err) {
      if (!(err instanceof DecodeError)) throw err;
      error = new ApiError(err.code, err.message);
    }
  }
  ctx.metrics.txRejected.inc({ code: error.code });
  throw error;
}

/**
 * Transaction submission, lookup and proof routes. `POST /txs` takes a body just large enough for the largest
 * transaction (hex doubles it, plus the JSON wrapping); `POST /txs/batch` up to `batchBodyLimitBytes`.
 */
export function txRoutes(app: FastifyInstance, ctx: ApiContext, limits: { batchBodyLimitBytes: number }): void {
  const batcher = new SubmissionBatcher(ctx.mempool);
  const maxHex = 2 * ctx.network.maxTxBytes;
  const txBodyLimit = maxHex + 16 * 1024;
  app.post<{ Body: { tx: string } }>(
    '/txs',
    {
      // Open on a public node (the transaction's own signature authorises it); needs `submit` with requireAuth.
      config: { scope: 'submit' },
      bodyLimit: txBodyLimit,
      schema: {
        summary: 'Submit one signed transaction (hex of its DAG-CBOR encoding)',
        tags: ['transactions'],
        body: { type: 'object', additionalProperties: false, required: ['tx'], properties: { tx: { type: 'string', minLength: 2, maxLength: maxHex + 2 } } },
      },
    },
    async (req, reply): Promise<SubmitTxResponse> => {
      const tx = decodeTx(ctx, req.body.tx);
      const r = await batcher.submit(tx, addressSource('api', req.ip));
      if (!r.ok) {
        if (r.code === 'TX_DUPLICATE') {
          void reply.code(202);
          return { txid: tx.txidHex, status: 'duplicate' };
        }
        throw r.error;
      }
      void reply.code(202);
      return { txid: tx.txidHex, status: 'accepted' };
    },
  );

  app.post<{ Body: { txs: string[] } }>(
    '/txs/batch',
    {
      config: { scope: 'submit' },
      bodyLimit: limits.batchBodyLimitBytes,
      schema: {
        summary: `Submit up to ${MAX_BATCH} signed transactions; one result per input`,
        tags: ['transactions'],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['txs'],
          properties: { txs: { type: 'array', minItems: 1, maxItems: MAX_BATCH, items: { type: 'string', minLength: 2, maxLength: maxHex + 2 } } },
        },
      },
    },
    async (req): Promise<SubmitBatchResponse> => {
      const results: SubmitBatchResponse['results'] = new Array(req.body.txs.length);
      const decoded: Transaction[] = [];
      const slots: number[] = [];
      req.body.txs.forEach((hex, i) => {
        try {
          decoded.push(decodeTx(ctx, hex));
          slots.push(i);
        } catch (err) {
          // Per item: whatever one input does, the others still get their own verdicts.
          const e = err instanceof ChainNodeError ? err : new ApiError('INTERNAL_ERROR', 'this transaction could not be processed');
          if (!(err instanceof ChainNodeError)) req.log.error({ err, index: i }, 'batch item failed');
          results[i] = { ok: false, code: e.code, message: e.message };
        }
      });
      const added = await ctx.mempool.addMany(decoded, addressSource('api', req.ip));
      added.forEach((r, j) => {
        const i = slots[j]!;
        if (r.ok || r.code === 'TX_DUPLICATE') {
          results[i] = { txid: r.txid, ok: true, ...(r.ok ? {} : { code: r.code }) };
        } else {
          const pointer = (r.error as { pointer?: unknown }).pointer;
          results[i] = { txid: r.txid, ok: false, code: r.code, message: r.error.message, ...(typeof pointer === 'string' ? { pointer } : {}) };
        }
      });
      const accepted = results.filter((r) => r.ok).length;
      return { accepted, rejected: results.length - accepted, results };
    },
  );

  app.get<{ Params: { txid: string } }>(
    '/txs/:txid',
    {
      schema: {
        summary: 'A transaction, mined or pending',
        tags: ['transactions'],
        params: { type: 'object', properties: { txid: S.hash }, required: ['txid'] },
      },
    },
    async (req): Promise<TxStatusJson> => {
      const txid = fromHex(req.params.txid.toLowerCase());
      const loc = await ctx.chain.txLocation(txid);
      if (loc !== undefined) {
        const node = ctx.chain.node(loc.blockHash);
        const tx = node === undefined ? undefined : await new BlockReader(ctx.chain).tx(node.hash, loc.index);
        if (node !== undefined && tx !== undefined) {
          const [item] = await withIdentityFlags(ctx.chain.identity, [{ tx: txToJson(tx) }], [tx]);
          return {
            tx: item!.tx,
            status: 'mined',
            block: { hash: node.header.hashHex, height: node.height, index: loc.index, time: node.header.time },
            confirmations: ctx.chain.height - node.height + 1,
          };
        }
      }
      const pending = ctx.mempool.get(req.params.txid.toLowerCase());
      if (pending !== undefined) {
        const [item] = await withIdentityFlags(ctx.chain.identity, [{ tx: txToJson(pending) }], [pending]);
        return { tx: item!.tx, status: 'pending', confirmations: 0 };
      }
      throw new ApiError('TX_NOT_FOUND', `transaction ${req.params.txid} is neither mined nor pending`);
    },
  );

  app.get<{ Params: { txid: string } }>(
    '/txs/:txid/proof',
    {
      schema: {
        summary:
          'Record proof of a mined transaction: version 2 (anchored to the latest final checkpoint, SPEC 12) when one covers its block, else version 1 (SPEC 5)',
        tags: ['transactions'],
        params: { type: 'object', properties: { txid: S.hash }, required: ['txid'] },
      },
    },
    async (req) => {
      const proof = await ctx.chain.getRecordProof(fromHex(req.params.txid.toLowerCase()));
      if (proof === undefined) throw new ApiError('TX_NOT_FOUND', `transaction ${req.params.txid} is not mined`);
      // Version 2 (anchored) once a final checkpoint covers the block (SPEC 12), else version 1.
      return ctx.finality === undefined ? proof : ctx.finality.anchor(proof);
    },
  );
}
