import { createWriteStream } from 'node:fs';
import { Readable, Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Presets, SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { ChainNodeError } from '../../src/errors.js';
import { print } from './common.js';
import { clientContext, intOption, withApi } from './client-common.js';

interface SelectFlags {
  actor?: string;
  subject?: string;
  kind?: string;
}

interface ExportFlags extends SelectFlags {
  format?: string;
  since?: string;
  until?: string;
  fromHeight?: string;
  toHeight?: string;
  fields?: string;
  output?: string;
}

/** The list route and query of `--actor`, `--subject` (with an optional `--kind`) or `--kind`. */
function listPath(f: SelectFlags): { path: string; query: Record<string, string | undefined> } {
  const given = [f.actor, f.subject].filter((v) => v !== undefined).length;
  if (given > 1 || (given === 0 && f.kind === undefined))
    throw new ChainNodeError('BAD_OPTION', 'give one of --actor, --subject or --kind (--kind may narrow --subject)');
  if (f.actor !== undefined) {
    if (f.kind !== undefined) throw new ChainNodeError('BAD_OPTION', '--kind cannot narrow --actor');
    return { path: `/accounts/${encodeURIComponent(f.actor)}/actions`, query: {} };
  }
  if (f.subject !== undefined) return { path: `/subjects/${encodeURIComponent(f.subject)}/actions`, query: { kind: f.kind } };
  return { path: `/kinds/${encodeURIComponent(f.kind!)}/actions`, query: {} };
}

/** Counts the lines passing through (for the progress bar). */
function lineCounter(onLines: (n: number) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      let n = 0;
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) n++;
      if (n > 0) onLines(n);
      done(null, chunk);
    },
  });
}

/** `chain-node export` and `chain-node count`: whole index ranges as CSV or JSON lines, and exact counts. */
export function registerExport(program: Command): void {
  withApi(
    program
      .command('export')
      .description('stream the actions of an actor, a subject or a kind as CSV or JSON lines (constant memory on both ends)')
      .option('--actor <hex>', 'an actor (compressed public key hex)')
      .option('--subject <subject>', 'a subject')
      .option('--kind <kind>', 'a kind (alone, or narrowing --subject)')
      .option('--format <format>', 'csv or ndjson (default csv)')
      .option('--since <time>', 'from this chain time (ISO 8601 or unix seconds)')
      .option('--until <time>', 'up to this chain time (ISO 8601 or unix seconds)')
      .option('--from-height <n>', 'from this block height')
      .option('--to-height <n>', 'up to this block height')
      .option('--fields <list>', 'comma-separated columns (default height,index,time,txid,kind,subject,from,nonce,txTime,payload)')
      .option('--output <file>', 'write to this file instead of stdout'),
  ).action(async (_o: unknown, cmd: Command) => {
    const ctx = clientContext(cmd);
    const f = ctx.flags as typeof ctx.flags & ExportFlags;
    const format = f.format ?? 'csv';
    if (format !== 'csv' && format !== 'ndjson') throw new ChainNodeError('BAD_OPTION', '--format must be csv or ndjson');
    const { path, query } = listPath(f);
    const ranged = f.since !== undefined || f.until !== undefined || f.fromHeight !== undefined || f.toHeight !== undefined;
    const body = await ctx.client.stream(path, {
      ...query,
      format,
      since: f.since,
      until: f.until,
      fromHeight: intOption(f.fromHeight, '--from-height'),
      toHeight: intOption(f.toHeight, '--to-height'),
      fields: f.fields,
    });
    // A bar on a terminal only: the total is the exact count when no range narrows the export.
    let bar: SingleBar | undefined;
    if (process.stderr.isTTY === true && !ctx.json) {
      const total = ranged ? 0 : (await ctx.client.count({ actor: f.actor, subject: f.subject, kind: f.kind })).count;
      bar = new SingleBar(
        {
          format: total > 0 ? 'export [{bar}] {value}/{total} rows | {eta}s left' : 'export {value} rows | {duration}s',
          hideCursor: true,
          stream: process.stderr,
        },
        Presets.shades_classic,
      );
      bar.start(total, 0);
    }
    let lines = 0;
    const out: Writable = f.output === undefined ? process.stdout : createWriteStream(f.output);
    try {
      await pipeline(
        Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>),
        lineCounter((n) => {
          lines += n;
          bar?.update(format === 'csv' ? Math.max(0, lines - 1) : lines);
        }),
        out,
      );
    } finally {
      bar?.stop();
    }
    const rows = format === 'csv' ? Math.max(0, lines - 1) : lines;
    if (f.output !== undefined) print(ctx.json, { rows, output: f.output, format }, `${rows} rows written to ${f.output}`);
  });

  withApi(
    program
      .command('count')
      .description('exact count of the mined actions of an actor, a subject (of one kind with --kind) or a kind')
      .option('--actor <hex>', 'an actor (compressed public key hex)')
      .option('--subject <subject>', 'a subject')
      .option('--kind <kind>', 'a kind (alone, or narrowing --subject)'),
  ).action(async (_o: unknown, cmd: Command) => {
    const ctx = clientContext(cmd);
    const f = ctx.flags as typeof ctx.flags & SelectFlags;
    listPath(f);
    const r = await ctx.client.count({ actor: f.actor, subject: f.subject, kind: f.kind });
    print(ctx.json, r, String(r.count));
  });
}
