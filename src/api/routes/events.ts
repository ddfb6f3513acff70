import type { FastifyInstance } from 'fastify';
import type { BlockEvent, ReorgEvent } from '../../chain/chain.js';
import type { TxAddedEvent } from '../../mempool/types.js';
import type { Transaction } from '../../primitives/transaction.js';
import type { ApiContext } from '../context.js';
import type { FinalCheckpoint } from '../../finality/finality.js';
import { blockSummary, txToJson } from '../json.js';
import type { EventJson } from '../types.js';

interface EventQuery {
  types?: string;
  actor?: string;
  kind?: string;
  subject?: string;
}

// A client that lets this much output pile up unsent is too slow to follow the node: drop it.
const MAX_BUFFERED = 4 * 1024 * 1024;
const HEARTBEAT_MS = 15_000;

/** Server-sent events: new blocks, new pending transactions and reorgs, filterable by actor, kind and subject. */
export function eventRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get<{ Querystring: EventQuery }>(
    '/events',
    {
      schema: {
        summary: 'Server-sent event stream (text/event-stream) of block, tx, reorg and final (a new final checkpoint, SPEC 12) events',
        tags: ['events'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            types: { type: 'string', pattern: '^(block|tx|reorg|final)(,(block|tx|reorg|final))*$' },
            actor: { type: 'string', pattern: '^0[23][0-9a-fA-F]{64}$' },
            kind: { type: 'string', minLength: 1, maxLength: 64 },
            subject: { type: 'string', minLength: 1, maxLength: 128 },
          },
        },
      },
    },
    (req, reply) => {
      const q = req.query;
      const types = new Set((q.types ?? 'block,tx,reorg,final').split(','));
      const actor = q.actor?.toLowerCase();
      const matches = (tx: Transaction): boolean =>
        (actor === undefined || tx.fromHex === actor) && (q.kind === undefined || tx.fields.kind === q.kind) && (q.subject === undefined || tx.fields.subject === q.subject);
      const filtered = actor !== undefined || q.kind !== undefined || q.subject !== undefined;

      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
      res.write(': connected\n\n');
      const send = (ev: EventJson): void => {
        if (res.writableLength > MAX_BUFFERED) {
          res.destroy();
          return;
        }
        res.write(`event: ${ev.type}\ndata: ${JSON.stringify(ev)}\n\n`);
      };
      const onBlock = ({ block, entry }: BlockEvent): void => {
        if (!types.has('block') || (filtered && !block.txs.some(matches))) return;
        send({ type: 'block', block: blockSummary(block, entry, true, ctx.chain.height) });
      };
      const onTx = ({ tx }: TxAddedEvent): void => {
        if (types.has('tx') && matches(tx)) send({ type: 'tx', tx: txToJson(tx) });
      };
      const onReorg = (r: ReorgEvent): void => {
        if (!types.has('reorg')) return;
        send({ type: 'reorg', fork: { hash: r.fork.header.hashHex, height: r.fork.height }, disconnected: r.disconnected.map((b) => b.header.hashHex), connected: r.connected.map((b) => b.header.hashHex) });
      };
      const onFinal = (f: FinalCheckpoint): void => {
        if (types.has('final')) send({ type: 'final', final: { size: f.size, height: f.height, hash: f.blockHash, signers: f.signers } });
      };
      ctx.finality?.on('final', onFinal);
      const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
      ctx.chain.on('block:connected', onBlock);
      ctx.chain.on('reorg', onReorg);
      ctx.mempool.on('tx:added', onTx);
      const cleanup = (): void => {
        clearInterval(heartbeat);
        ctx.chain.off('block:connected', onBlock);
        ctx.chain.off('reorg', onReorg);
        ctx.mempool.off('tx:added', onTx);
        ctx.finality?.off('final', onFinal);
      };
      res.on('close', cleanup);
    },
  );
}
