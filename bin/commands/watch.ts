import type { Command } from 'commander';
import type { RecordJson, RecordRefJson, ResyncJson } from '../../src/api/types.js';
import { followEvents, type StreamEvent } from '../../src/client/event-stream.js';
import { ChainNodeError } from '../../src/errors.js';
import { allOptions } from './common.js';
import { clientContext, isoTime, withApi } from './client-common.js';

interface WatchFlags {
  subject?: string;
  kind?: string;
  actor?: string;
  from?: string;
  ndjson?: boolean;
  json?: boolean;
}

function line(ev: StreamEvent): string | undefined {
  if (ev.type === 'record') {
    const r = ev.data as RecordJson;
    return `${isoTime(Math.floor(r.tx.time / 1000))}  block ${r.height}  ${r.tx.txid}  ${r.tx.kind}${r.tx.subject === undefined ? '' : ` ${r.tx.subject}`}  by ${r.tx.from.slice(0, 16)}.. #${r.tx.nonce}`;
  }
  if (ev.type === 'reorg') {
    const r = ev.data as { fork: { height: number }; left: RecordRefJson[]; reentered: RecordRefJson[] };
    return [
      `reorg at block ${r.fork.height}: ${r.left.length} record(s) left the chain, ${r.reentered.length} re-entered`,
      ...r.left.map((x) => `  left       ${x.txid}`),
      ...r.reentered.map((x) => `  re-entered ${x.txid} (block ${x.height})`),
    ].join('\n');
  }
  return undefined;
}

/** `watch`: follow matching records as they are mined, resuming after a disconnect. */
export function registerWatch(program: Command): void {
  withApi(
    program
      .command('watch')
      .description('print records (main-chain actions) as they are mined, and reorgs; reconnects and resumes (Last-Event-ID) after a disconnect, until Ctrl-C')
      .option('--subject <s>', 'only records about this subject')
      .option('--kind <k>', 'only records of this kind')
      .option('--actor <hex>', 'only records by this actor (compressed public key hex)')
      .option('--from <event-id>', 'resume after this event id (printed with --ndjson) instead of from now')
      .option('--ndjson', 'one JSON object per line: record, reorg and resync events with their ids'),
  ).action(async (_o: unknown, cmd: Command) => {
    const ctx = clientContext(cmd);
    const f = allOptions<WatchFlags>(cmd);
    const ndjson = f.ndjson === true || f.json === true;
    const query: Record<string, string> = { types: 'record,reorg' };
    if (f.subject !== undefined) query.subject = f.subject;
    if (f.kind !== undefined) query.kind = f.kind;
    if (f.actor !== undefined) {
      if (!/^0[23][0-9a-fA-F]{64}$/.test(f.actor)) throw new ChainNodeError('BAD_OPTION', '--actor must be a compressed public key (66 hex characters)');
      query.actor = f.actor;
    }
    const abort = new AbortController();
    const stop = (): void => abort.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    let connects = 0;
    try {
      await followEvents({
        url: ctx.client.url,
        query,
        ...(f.from === undefined ? {} : { lastEventId: f.from }),
        signal: abort.signal,
        onEvent: (ev) => {
          if (ev.type === 'resync') {
            const r = ev.data as ResyncJson;
            process.stderr.write(`warning [${r.code}]: ${r.message}\n`);
          }
          if (ndjson) {
            if (ev.type === 'record' || ev.type === 'reorg' || ev.type === 'resync')
              process.stdout.write(`${JSON.stringify({ event: ev.type, id: ev.id, ...(ev.data as object) })}\n`);
            return;
          }
          const text = line(ev);
          if (text !== undefined) process.stdout.write(`${text}\n`);
        },
        onState: (state, detail) => {
          if (state === 'connected' && connects++ > 0) process.stderr.write('reconnected; resuming from the last event\n');
          if (state === 'disconnected') process.stderr.write(`disconnected (${detail ?? 'unknown'}); reconnecting\n`);
        },
      });
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
  });
}
