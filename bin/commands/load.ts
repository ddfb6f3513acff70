import { writeFile } from 'node:fs/promises';
import { SingleBar, Presets } from 'cli-progress';
import type { Command } from 'commander';
import { ensureSameChain } from '../../src/client/actions.js';
import { ApiClient } from '../../src/client/api-client.js';
import { formatLoadSummary, runLoad } from '../../src/client/load.js';
import { ChainNodeError } from '../../src/errors.js';
import { print } from './common.js';
import { clientContext, intOption, numberOption, withApi } from './client-common.js';

interface LoadFlags {
  actors?: string;
  rate?: string;
  count?: string;
  batch?: string;
  duration?: string;
  concurrency?: string;
  kind?: string;
  ackedOut?: string;
}

/** How a signer is shown: which library signs, so "native" is never mistaken for the node's addon. */
function signerLabel(name: string): string {
  return name === 'libsecp256k1' ? 'libsecp256k1 via the secp256k1 package' : name === 'noble' ? '@noble/curves, pure JS' : name;
}

/** `chain-node load`: a traffic generator of pre-signed actions from fresh keys. */
export function registerLoad(program: Command): void {
  withApi(
    program
      .command('load')
      .description('generate traffic: pre-sign actions with fresh keys, submit them at a rate or as fast as possible, report tx/s and latency')
      .option('--actors <n>', 'fresh actors (keys) to spread the actions over (default 100)')
      .option('--rate <tx/s>', 'target transactions per second (default: as fast as possible)')
      .option('--count <n>', 'transactions to send (default rate x duration)')
      .option('--batch <n>', 'transactions per request: 1 = POST /txs, more = POST /txs/batch (default 1)')
      .option('--duration <s>', 'stop sending after this many seconds (default 10 unless --count)')
      .option('--concurrency <n>', 'most requests in flight (default 32, or 4 with --batch)')
      .option('--kind <kind>', 'action kind (default metric)')
      .option('--acked-out <file>', 'write the txids the node acknowledged to this file, one per line'),
  ).action(async (_o: unknown, cmd: Command) => {
    const ctx = clientContext(cmd);
    const f = ctx.flags as typeof ctx.flags & LoadFlags;
    const batch = intOption(f.batch, '--batch', 1) ?? 1;
    const count = intOption(f.count, '--count', 1);
    const duration = numberOption(f.duration, '--duration') ?? (count === undefined ? 10 : undefined);
    const rate = numberOption(f.rate, '--rate');
    const concurrency = intOption(f.concurrency, '--concurrency', 1) ?? (batch > 1 ? 4 : 32);
    await ensureSameChain(ctx.client, ctx.chainId, ctx.network.name);
    // node:http keep-alive: ~2.5x less client CPU per request than fetch, so the client is not the bottleneck.
    const client = new ApiClient({ url: ctx.client.url, transport: 'node-http', maxSockets: concurrency });
    const bar =
      process.stderr.isTTY === true && !ctx.json
        ? new SingleBar(
            { format: 'load [{bar}] {value}/{total} tx | {accepted} accepted, {rejected} rejected, {failed} failed | {elapsed}s', hideCursor: true },
            Presets.shades_classic,
          )
        : undefined;
    const abort = new AbortController();
    const onSig = (): void => abort.abort();
    process.once('SIGINT', onSig);
    try {
      const summary = await runLoad({
        client,
        chainId: ctx.chainId,
        actors: intOption(f.actors, '--actors', 1) ?? 100,
        ...(rate === undefined ? {} : { rate }),
        ...(count === undefined ? {} : { count }),
        ...(duration === undefined ? {} : { durationSec: duration }),
        batch,
        concurrency,
        ...(f.kind === undefined ? {} : { kind: f.kind }),
        keepAcked: f.ackedOut !== undefined,
        signal: abort.signal,
        onSigned: ({ count: n, seconds, signer }) => {
          if (!ctx.json) process.stderr.write(`signed ${n} transactions in ${seconds.toFixed(1)} s (${signerLabel(signer)})\n`);
          bar?.start(n, 0, { accepted: 0, rejected: 0, failed: 0, elapsed: '0.0' });
        },
        onProgress: (p) => bar?.update(p.sent, { accepted: p.accepted, rejected: p.rejected, failed: p.failed, elapsed: p.elapsedSec.toFixed(1) }),
      });
      bar?.stop();
      const { acked, ...rest } = summary;
      if (f.ackedOut !== undefined) {
        try {
          await writeFile(f.ackedOut, acked === undefined || acked.length === 0 ? '' : `${acked.join('\n')}\n`);
        } catch (err) {
          throw new ChainNodeError('LOAD_OUTPUT_UNWRITABLE', `cannot write ${f.ackedOut}: ${(err as Error).message}`);
        }
      }
      print(ctx.json, rest, formatLoadSummary(summary));
    } finally {
      client.close();
      bar?.stop();
      process.off('SIGINT', onSig);
    }
  });
}
