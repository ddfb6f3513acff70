import type { Command } from 'commander';
import { print } from './common.js';
import { clientContext, intOption, withApi } from './client-common.js';

/** `chain-node mempool`: the node's pending transactions (GET /mempool, GET /mempool/txs). */
export function registerMempool(program: Command): void {
  withApi(
    program
      .command('mempool')
      .description('pending transactions: count, bytes, actors, and the oldest ones')
      .option('--limit <n>', 'pending transactions to list, oldest first (default 20, 0 = none, at most 1000)'),
  ).action(async (_o: unknown, cmd: Command) => {
    const ctx = clientContext(cmd);
    const limit = intOption((ctx.flags as { limit?: string }).limit, '--limit') ?? 20;
    const stats = await ctx.client.mempool();
    const txs = limit === 0 ? [] : (await ctx.client.mempoolTxs({ limit: Math.min(limit, 1000) })).txs;
    const lines = [`mempool: ${stats.count} transaction(s), ${stats.bytes} bytes, ${stats.actors} actor(s)`];
    if (txs.length > 0) {
      lines.push(`${'txid'.padEnd(64)}  ${'kind'.padEnd(16)}  ${'actor'.padEnd(18)}  ${'nonce'.padStart(6)}  time`);
      for (const t of txs)
        lines.push(`${t.txid}  ${t.kind.padEnd(16)}  ${`${t.from.slice(0, 16)}..`}  ${String(t.nonce).padStart(6)}  ${new Date(t.time).toISOString()}`);
      if (stats.count > txs.length) lines.push(`(${stats.count - txs.length} more; --limit to see more)`);
    }
    print(ctx.json, { ...stats, txs }, lines.join('\n'));
  });
}
