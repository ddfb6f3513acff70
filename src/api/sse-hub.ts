import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { BlockEvent, Chain, ReorgEvent } from '../chain/chain.js';
import type { FinalCheckpoint, Finality } from '../finality/finality.js';
import type { Mempool } from '../mempool/mempool.js';
import type { TxAddedEvent } from '../mempool/types.js';
import type { NodeMetrics } from '../metrics/node-metrics.js';
import type { Transaction } from '../primitives/transaction.js';
import { ApiError } from './errors.js';
import { blockSummary, txToJson } from './json.js';
import type { SseOptions } from './options.js';
import type { EventJson } from './types.js';

/** What one stream asked for. */
export interface SseFilter {
  types: ReadonlySet<'block' | 'tx' | 'reorg' | 'final'>;
  actor?: string;
  kind?: string;
  subject?: string;
}

interface Client {
  res: ServerResponse;
  address: string;
  filter: SseFilter;
  /** actor|kind|subject, '' when unfiltered: streams with the same filter share one match verdict per event. */
  key: string;
}

const PING = Buffer.from(': ping\n\n');
const HELLO = Buffer.from(': connected\n\n');

function matches(f: SseFilter, tx: Transaction): boolean {
  return (f.actor === undefined || tx.fromHex === f.actor) && (f.kind === undefined || tx.fields.kind === f.kind) && (f.subject === undefined || tx.fields.subject === f.subject);
}

/**
 * Every `/events` stream of the API, fed from one listener per source: each event is serialised once, the events
 * of one tick go out as one buffer shared by every stream with the same filter, streams are capped globally and
 * per address, and a stream whose unsent output passes `maxBufferBytes` is closed (counted as `slow`), so idle
 * or slow clients cost a bounded amount of memory.
 */
export class SseHub {
  readonly #o: SseOptions;
  readonly #chain: Chain;
  readonly #mempool: Mempool;
  readonly #finality: Finality | undefined;
  readonly #metrics: NodeMetrics;
  readonly #log: Logger | undefined;
  readonly #clients = new Set<Client>();
  readonly #perAddress = new Map<string, number>();
  readonly #heartbeat: NodeJS.Timeout;
  #closed = false;
  #queue: Array<{ type: EventJson['type']; wants: (c: Client) => boolean; frame: () => Buffer }> = [];

  constructor(options: SseOptions, deps: { chain: Chain; mempool: Mempool; metrics: NodeMetrics; finality?: Finality; logger?: Logger }) {
    this.#o = options;
    this.#chain = deps.chain;
    this.#mempool = deps.mempool;
    this.#finality = deps.finality;
    this.#metrics = deps.metrics;
    this.#log = deps.logger?.child({ module: 'sse' });
    this.#chain.on('block:connected', this.#onBlock);
    this.#chain.on('reorg', this.#onReorg);
    this.#mempool.on('tx:added', this.#onTx);
    this.#finality?.on('final', this.#onFinal);
    this.#heartbeat = setInterval(() => {
      for (const c of this.#clients) this.#write(c, PING);
    }, options.heartbeatMs);
    this.#heartbeat.unref();
  }

  /** Open streams. */
  get size(): number {
    return this.#clients.size;
  }

  /**
   * Check the caps for a new stream from `address`; throws `SSE_LIMIT` (503, every slot taken) or
   * `SSE_ADDRESS_LIMIT` (429, this address holds its share) before anything is written.
   */
  admit(address: string): void {
    if (this.#closed) throw new ApiError('NOT_READY', 'the node is shutting down', 503);
    if (this.#clients.size >= this.#o.maxClients) {
      this.#metrics.sseRefused.inc({ reason: 'global' });
      throw new ApiError('SSE_LIMIT', `the node serves at most ${this.#o.maxClients} event streams`);
    }
    if ((this.#perAddress.get(address) ?? 0) >= this.#o.maxClientsPerAddress) {
      this.#metrics.sseRefused.inc({ reason: 'address' });
      throw new ApiError('SSE_ADDRESS_LIMIT', `at most ${this.#o.maxClientsPerAddress} event streams per client address`);
    }
  }

  /** Take over `res` (already admitted): write the stream head and follow events until either side closes. */
  attach(res: ServerResponse, address: string, filter: SseFilter): void {
    const client: Client = { res, address, filter, key: `${filter.actor ?? ''}|${filter.kind ?? ''}|${filter.subject ?? ''}` };
    this.#clients.add(client);
    this.#perAddress.set(address, (this.#perAddress.get(address) ?? 0) + 1);
    this.#metrics.sseClients.set(this.#clients.size);
    // Streams are long-lived by design: the API's idle socket timeout must not cut them (the buffer cap bounds them).
    res.socket?.setTimeout(0);
    res.once('close', () => this.#remove(client));
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write(HELLO);
  }

  /** End every stream and stop listening (the server can then close). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#heartbeat);
    this.#chain.off('block:connected', this.#onBlock);
    this.#chain.off('reorg', this.#onReorg);
    this.#mempool.off('tx:added', this.#onTx);
    this.#finality?.off('final', this.#onFinal);
    for (const c of [...this.#clients]) c.res.destroy();
  }

  #remove(client: Client): void {
    if (!this.#clients.delete(client)) return;
    const n = (this.#perAddress.get(client.address) ?? 1) - 1;
    if (n <= 0) this.#perAddress.delete(client.address);
    else this.#perAddress.set(client.address, n);
    this.#metrics.sseClients.set(this.#clients.size);
  }

  /**
   * Queue one event for the streams `wants` selects. Events of one tick go out together: streams with the same
   * filter share one concatenated buffer, so a batch of N events costs one write per stream, not N.
   */
  #send(type: EventJson['type'], ev: () => EventJson, wants: (c: Client) => boolean): void {
    if (this.#clients.size === 0) return;
    let frame: Buffer | undefined;
    this.#queue.push({
      type,
      wants,
      // Built at flush time, outside the chain's and the mempool's emitters (a failure must not reach them).
      frame: () => (frame ??= Buffer.from(`event: ${type}\ndata: ${JSON.stringify(ev())}\n\n`)),
    });
    if (this.#queue.length === 1) setImmediate(() => this.#flush());
  }

  #flush(): void {
    const queue = this.#queue;
    this.#queue = [];
    try {
      const groups = new Map<string, Buffer | null>();
      for (const c of this.#clients) {
        const key = `${[...c.filter.types].sort().join(',')}#${c.key}`;
        let buf = groups.get(key);
        if (buf === undefined) {
          const parts: Buffer[] = [];
          for (const e of queue) {
            if (!c.filter.types.has(e.type) || !e.wants(c)) continue;
            const f = this.#frameOf(e);
            if (f !== undefined) parts.push(f);
          }
          buf = parts.length === 0 ? null : parts.length === 1 ? parts[0]! : Buffer.concat(parts);
          groups.set(key, buf);
        }
        if (buf !== null) this.#write(c, buf);
      }
    } catch (err) {
      this.#log?.error({ err }, 'event stream broadcast failed');
    }
  }

  #frameOf(e: { type: string; frame: () => Buffer }): Buffer | undefined {
    try {
      return e.frame();
    } catch (err) {
      // One event that cannot be shown must not cost the others.
      this.#log?.error({ err, type: e.type }, 'event could not be serialised');
      return undefined;
    }
  }

  #write(c: Client, buf: Buffer): void {
    if (c.res.writableLength > this.#o.maxBufferBytes) {
      this.#metrics.sseDropped.inc({ reason: 'slow' });
      this.#remove(c);
      c.res.destroy();
      return;
    }
    c.res.write(buf);
  }

  readonly #onBlock = ({ block, entry }: BlockEvent): void => {
    const verdicts = new Map<string, boolean>();
    const wants = (c: Client): boolean => {
      if (c.key === '||') return true;
      let v = verdicts.get(c.key);
      if (v === undefined) {
        v = block.txs.some((tx) => matches(c.filter, tx));
        verdicts.set(c.key, v);
      }
      return v;
    };
    this.#send('block', () => ({ type: 'block', block: blockSummary(block, entry, true, this.#chain.height) }), wants);
  };

  readonly #onTx = ({ tx }: TxAddedEvent): void => {
    this.#send('tx', () => ({ type: 'tx', tx: txToJson(tx) }), (c) => matches(c.filter, tx));
  };

  readonly #onReorg = (r: ReorgEvent): void => {
    this.#send(
      'reorg',
      () => ({ type: 'reorg', fork: { hash: r.fork.header.hashHex, height: r.fork.height }, disconnected: r.disconnected.map((b) => b.header.hashHex), connected: r.connected.map((b) => b.header.hashHex) }),
      () => true,
    );
  };

  readonly #onFinal = (f: FinalCheckpoint): void => {
    this.#send('final', () => ({ type: 'final', final: { size: f.size, height: f.height, hash: f.blockHash, signers: f.signers } }), () => true);
  };
}
