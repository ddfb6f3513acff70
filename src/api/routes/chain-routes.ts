import type { FastifyInstance } from 'fastify';
import { fromHex, reversed, toHex } from '../../util/bytes.js';
import type { ApiContext } from '../context.js';
import { ApiError } from '../errors.js';
import { blockToJson, summaryOf } from '../json.js';
import { BlockReader, type ReadBudget } from '../block-reader.js';
import { blockMetaOf } from '../../primitives/block-outline.js';
import type { BlockJson, BlockSummaryJson, FinalityStatusJson, StatusJson } from '../types.js';
import type { Finality } from '../../finality/finality.js';
import { S } from './schemas.js';
import type { TreeNode } from '../../chain/block-tree.js';

/** Resolve a block id (height or display hash) to a tree node. */
export function findBlockNode(ctx: ApiContext, id: string): TreeNode {
  const node = /^[0-9]{1,10}$/.test(id) ? ctx.chain.nodeAt(Number(id)) : ctx.chain.node(reversed(fromHex(id.toLowerCase())));
  if (node === undefined) throw new ApiError('BLOCK_NOT_FOUND', `no block ${id}`);
  return node;
}

function finalityStatus(f: Finality, now: number): FinalityStatusJson {
  const l = f.latestFinal;
  return {
    final:
      l === undefined
        ? null
        : { size: l.size, height: l.height, hash: l.blockHash, age: Math.max(0, Math.floor((now - l.at) / 1000)), signers: l.signers.length },
    witnesses: f.options.witnesses.length,
    threshold: f.options.threshold,
    depth: f.options.depth,
    witness: {
      key: f.witnessKey ?? null,
      signing: f.isWitness && f.halted === undefined,
      halted: f.halted ?? null,
      lastSignedSize: f.lastSigned?.size ?? null,
    },
  };
}

/** Status and block routes. */
export function chainRoutes(app: FastifyInstance, ctx: ApiContext, budget?: ReadBudget): void {
  app.get('/status', { schema: { summary: 'Node status', tags: ['chain'] } }, async (): Promise<StatusJson> => {
    const tip = ctx.chain.tip;
    const now = (ctx.now ?? Date.now)();
    const m = ctx.mining.status();
    return {
      version: ctx.version,
      network: ctx.network.name,
      chainId: toHex(ctx.chain.chainId),
      height: tip.height,
      tip: { hash: tip.header.hashHex, time: tip.header.time, age: Math.max(0, Math.floor(now / 1000) - tip.header.time) },
      chainWork: tip.chainWork.toString(16),
      mempool: { count: ctx.mempool.size, bytes: ctx.mempool.bytes },
      peers: ctx.peers.list().length,
      mining: m,
      api: { url: ctx.url() },
      uptime: Math.floor((now - ctx.startedAt) / 1000),
      sync: ctx.sync(),
      ...(ctx.finality === undefined ? {} : { finality: finalityStatus(ctx.finality, now) }),
    };
  });

  app.get('/blocks/tip', { schema: { summary: 'The tip block', tags: ['chain'] } }, async (): Promise<BlockJson> => {
    const node = ctx.chain.tip;
    const block = await ctx.chain.getBlock(node.hash);
    if (block === undefined) throw new ApiError('BLOCK_NOT_FOUND', 'tip body missing');
    return blockToJson(block, node, true, node.height, false);
  });

  app.get<{ Params: { id: string }; Querystring: { txs?: 'ids' | 'full' } }>(
    '/blocks/:id',
    {
      schema: {
        summary: 'A block by height or hash',
        tags: ['chain'],
        params: { type: 'object', properties: { id: S.blockId }, required: ['id'] },
        querystring: { type: 'object', additionalProperties: false, properties: { txs: { type: 'string', enum: ['ids', 'full'] } } },
      },
    },
    async (req): Promise<BlockJson> => {
      const node = findBlockNode(ctx, req.params.id);
      const block = await ctx.chain.getBlock(node.hash);
      if (block === undefined) throw new ApiError('BLOCK_NOT_FOUND', `no body for block ${req.params.id}`);
      return blockToJson(block, node, ctx.chain.isMain(node), ctx.chain.height, req.query.txs === 'full');
    },
  );

  app.get<{ Querystring: { from?: number; limit?: number } }>(
    '/blocks',
    {
      schema: {
        summary:
          'Main-chain block summaries, newest first, from a height down (fewer than limit when the read budget is spent: continue from the last height - 1)',
        tags: ['chain'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { from: { type: 'integer', minimum: 0 }, limit: { type: 'integer', minimum: 1, maximum: 500 } },
        },
      },
    },
    async (req): Promise<{ blocks: BlockSummaryJson[] }> => {
      const tipHeight = ctx.chain.height;
      const from = Math.min(req.query.from ?? tipHeight, tipHeight);
      const limit = req.query.limit ?? 20;
      const blocks: BlockSummaryJson[] = [];
      // Outlines only (tx count, size, meta): no block is decoded; the read budget may end the list early.
      const reader = new BlockReader(ctx.chain, budget);
      for (let h = from; h >= 0 && blocks.length < limit && !(blocks.length > 0 && reader.exhausted); h--) {
        const node = ctx.chain.nodeAt(h)!;
        const body = await reader.body(node.hash);
        if (body !== undefined)
          blocks.push(summaryOf(node, body.outline.txCount, body.outline.size, blockMetaOf(body.bytes, body.outline).miner, true, tipHeight));
      }
      return { blocks };
    },
  );
}
