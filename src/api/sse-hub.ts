import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { BlockEvent, ReorgEvent } from '../chain/events.js';
import type { ChainReader } from '../chain/reader.js';
import type { FinalCheckpoint, Finality } from '../finality/finality.js';
import type { Mempool } from '../mempool/mempool.js';
import type { TxAddedEvent } from '../mempool/types.js';
import type { NodeMetrics } from '../metrics/node-metrics.js';
import { ApiError } from './errors.js';
import { blockRecords, eventId, recordJson, recordMatches as matches, reorgRecords, type BlockRecords, type EventCursor } from './event-ids.js';
import { blockSummary, txToJson } from './json.js';
import type { SseOptions } from './options.js';
import { replay, sseFrame } from './sse-replay.js';
import type { EventJson } from './types.js';

/** Event types a stream can ask for. */
export type SseType = 'block' | 'tx' | 'record' | 'reorg' | 'final';

/** What one stream asked for. */
export interface SseFilter {
  types: ReadonlySet<SseType>;
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
  /** Live events held while the stream replays what it missed (sent after, less those the replay sent). */
  backlog?: Array<{ id: string | undefined; frame: Buffer }>;
  backlogBytes?: number;
}

interface Queued {
  type: SseType;
  id: string | undefined;
  wants: (c: Client) => boolean;
  frame: (c: Client) => Buffer;
}

const PING = Buffer.from(': ping\n\n');
const HELLO = Buffer.from(': connected\n\n');

/**
 * Every `/events` stream of the API, fed from one listener per source: each event is serialised once, the events
 * of one tick go out as one buffer shared by every stream with the same filter, streams are capped globally and
 * per address, and a stream whose unsent output passes `maxBufferBytes` is closed (counted as `slow`), so idle
 * or slow clients cost a bounded amount of memory.
 */
export class SseHub {
  readonly #o: SseOptions;
  readonly #chain: ChainReader;
  readonly #mempool: Mempool;
  readonly #finality: Finality | undefined;
  readonly #metrics: NodeMetrics;
  readonly #log: Logger | undefined;
  readonly #clients = new Set<Client>();
  readonly #perAddress = new Map<string, number>();
  readonly #heartbeat: NodeJS.Timeout;
  #closed = false;
  #queue: Queued[] = [];
  // Blocks disconnected by a reorg in progress, and the events of its connected blocks, held until the reorg event.
  #gone: BlockRecords[] = [];
  #held: BlockEvent[] = [];

  constructor(options: SseOptions, deps: { chain: ChainReader; mempool: Mempool; metrics: NodeMetrics; finality?: Finality; logger?: Logger }) {
    this.#o = options;
    this.#chain = deps.chain;
    this.#mempool = deps.mempool;
    this.#finality = deps.finality;
    this.#metrics = deps.metrics;
    this.#log = deps.logger?.child({ module: 'sse' });
    this.#chain.on('block:connected', this.#onBlock);
    this.#chain.on('block:disconnected', this.#onDisconnected);
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

  /**
   * Take over `res` (already admitted): write the stream head and follow events until either side closes. With
   * `resume` (the client's Last-Event-ID), first replay from the store what it missed (see {@link replay}).
   */
  attach(res: ServerResponse, address: string, filter: SseFilter, resume?: EventCursor): void {
    const client: Client = { res, address, filter, key: `${filter.actor ?? ''}|${filter.kind ?? ''}|${filter.subject ?? ''}` };
    if (resume !== undefined) client.backlog = [];
    this.#clients.add(client);
    this.#perAddress.set(address, (this.#perAddress.get(address) ?? 0) + 1);
    this.#metrics.sseClients.set(this.#clients.size);
    // Streams are long-lived by design: the API's idle socket timeout must not cut them (the buffer cap bounds them).
    res.socket?.setTimeout(0);
    res.once('close', () => this.#remove(client));
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write(HELLO);
    if (resume !== undefined) void this.#resume(client, resume);
  }

  async #resume(c: Client, from: EventCursor): Promise<void> {
    try {
      const f = c.filter;
      const sent = await replay(this.#chain, from, { types: f.types, filter: f, historyBlocks: this.#o.historyBlocks }, async (frame) => {
        if (!this.#clients.has(c)) return false;
        // Replays can be long: wait for the client to read rather than dropping it as slow.
        if (c.res.writableLength > this.#o.maxBufferBytes / 2) await new Promise((r) => c.res.once('drain', r).once('close', r));
        if (!this.#clients.has(c)) return false;
        c.res.write(frame);
        return true;
      });
      const held = c.backlog ?? [];
      c.backlog = undefined;
      for (const h of held) if (h.id === undefined || !sent.has(h.id)) this.#write(c, h.frame);
    } catch (err) {
      this.#log?.error({ err }, 'event stream replay failed');
      this.#remove(c);
      c.res.destroy();
    }
  }

  /** End every stream and stop listening (the server can then close). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#heartbeat);
    this.#chain.off('block:connected', this.#onBlock);
    this.#chain.off('block:disconnected', this.#onDisconnected);
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
  #send(type: SseType, ev: (c: Client) => EventJson, wants: (c: Client) => boolean, id?: string, perFilter = false): void {
    if (this.#clients.size === 0) return;
    const frames = new Map<string, Buffer>();
    this.#queue.push({
      type,
      id,
      wants,
      // Built at flush time, outside the chain's and the mempool's emitters (a failure must not reach them).
      frame: (c) => {
        const k = perFilter ? c.key : '';
        let f = frames.get(k);
        if (f === undefined) frames.set(k, (f = sseFrame(ev(c), id)));
        return f;
      },
    });
    if (this.#queue.length === 1) setImmediate(() => this.#flush());
  }

  #flush(): void {
    const queue = this.#queue;
    this.#queue = [];
    try {
      const groups = new Map<string, Buffer | null>();
      for (const c of this.#clients) {
        if (c.backlog !== undefined) {
          for (const e of queue) {
            if (!c.filter.types.has(e.type) || !e.wants(c)) continue;
            const frame = this.#frameOf(e, c);
            if (frame === undefined) continue;
            c.backlog.push({ id: e.id, frame });
            c.backlogBytes = (c.backlogBytes ?? 0) + frame.byteLength;
          }
          // Held live events count against the same bound as unsent bytes: a replay that cannot keep up ends.
          if ((c.backlogBytes ?? 0) > this.#o.maxBufferBytes) {
            this.#metrics.sseDropped.inc({ reason: 'slow' });
            this.#remove(c);
            c.res.destroy();
          }
          continue;
        }
        const key = `${[...c.filter.types].sort().join(',')}#${c.key}`;
        let buf = groups.get(key);
        if (buf === undefined) {
          const parts: Buffer[] = [];
          for (const e of queue) {
            if (!c.filter.types.has(e.type) || !e.wants(c)) continue;
            const f = this.#frameOf(e, c);
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

  #frameOf(e: Queued, c: Client): Buffer | undefined {
    try {
      return e.frame(c);
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

  readonly #onBlock = (ev: BlockEvent): void => {
    if (this.#gone.length > 0) this.#held.push(ev);
    else this.#emitBlock(ev);
  };

  readonly #onDisconnected = ({ block, entry }: BlockEvent): void => {
    this.#gone.push(blockRecords(block, entry.height));
  };

  #emitBlock({ block, entry }: BlockEvent): void {
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
    const hash = block.header.hashHex;
    this.#send('block', () => ({ type: 'block', block: blockSummary(block, entry, true, this.#chain.height) }), wants, eventId(entry.height, 0, hash));
    // Most streams follow blocks only: no per-transaction work unless one asked for records.
    if (![...this.#clients].some((c) => c.filter.types.has('record'))) return;
    block.txs.forEach((tx, i) => {
      this.#send(
        'record',
        () => recordJson(tx, block, entry.height, i),
        (c) => matches(c.filter, tx),
        eventId(entry.height, i + 1, hash),
      );
    });
  }

  readonly #onTx = ({ tx }: TxAddedEvent): void => {
    this.#send(
      'tx',
      () => ({ type: 'tx', tx: txToJson(tx) }),
      (c) => matches(c.filter, tx),
    );
  };

  readonly #onReorg = (r: ReorgEvent): void => {
    const gone = this.#gone;
    const held = this.#held;
    this.#gone = [];
    this.#held = [];
    const connected = r.connected.map((b, i) => blockRecords(b, r.fork.height + 1 + i));
    this.#send(
      'reorg',
      (c) => ({
        type: 'reorg',
        fork: { hash: r.fork.header.hashHex, height: r.fork.height },
        disconnected: r.disconnected.map((b) => b.header.hashHex),
        connected: r.connected.map((b) => b.header.hashHex),
        ...reorgRecords(c.filter, gone, connected),
      }),
      () => true,
      undefined,
      true,
    );
    for (const ev of held) this.#emitBlock(ev);
  };

  readonly #onFinal = (f: FinalCheckpoint): void => {
    this.#send(
      'final',
      () => ({ type: 'final', final: { size: f.size, height: f.height, hash: f.blockHash, signers: f.signers } }),
      () => true,
    );
  };
}
