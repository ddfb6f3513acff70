import type { Logger } from 'pino';
import { ChainNodeError } from '../errors.js';
import { P2pErrorCode, P2pPenalty } from '../wire/errors.js';
import type { PenaltyInput } from '../wire/penalty.js';
import type { Block } from '../primitives/block.js';
import { bytesEqual } from '../util/bytes.js';
import { decodeCode } from '../primitives/errors.js';

/** A block to download: its hash and height. */
export interface DownloadItem {
  hash: Uint8Array;
  height: number;
}

/** What the downloader needs from the node. */
export interface DownloadDependencies {
  /** Ask `peer` for blocks by hash (null where it lacks one; the reply may stop early). */
  fetch(peer: string, hashes: Uint8Array[], signal: AbortSignal): Promise<Array<Uint8Array | null>>;
  /** Peers that may serve blocks at `height` now. */
  peers(height: number): string[];
  /** Penalise a peer: a typed penalty, or the error its message was rejected with. */
  penalise(peer: string, penalty: PenaltyInput): void;
  /** Decode untrusted block bytes (throws DecodeError). */
  decode(bytes: Uint8Array): Block;
  /** Connect a block (in order); throws BlockError to stop the download. */
  process(block: Block, peer: string): Promise<void>;
  /** Verify a run of blocks' signatures ahead of connecting them (optional, may be slow, never throws). */
  preverify?(blocks: readonly Block[]): Promise<void>;
  logger?: Logger;
}

/** Download tuning. */
export interface DownloadOptions {
  batchSize: number;
  window: number;
  perPeerRequests: number;
  preverifyBlocks: number;
}

interface Ready {
  block: Block;
  peer: string;
}

/** Sync stopped: every peer lacks a block, or no peer is left. */
export class SyncStalledError extends ChainNodeError {
  constructor(message: string) {
    super('SYNC_STALLED', message);
  }
}

const PEER_COOLDOWN_MS = 5_000;

/**
 * Parallel body download for a validated header chain: batches of hashes are spread over several peers (a few
 * requests each, within a window ahead of the connect point), re-assigned when a peer times out, lacks a block
 * or sends something else; blocks are connected strictly in order as they arrive. Peers that send invalid or
 * unrequested data are penalised and dropped for the rest of the run.
 */
export class BlockDownloader {
  readonly #o: DownloadOptions;
  readonly #d: DownloadDependencies;

  constructor(options: DownloadOptions, deps: DownloadDependencies) {
    this.#o = options;
    this.#d = deps;
  }

  /** Download and connect `items` in order; resolves when all are connected. */
  async run(items: readonly DownloadItem[], signal: AbortSignal, onProgress?: (done: number) => void): Promise<void> {
    const o = this.#o;
    const d = this.#d;
    const n = items.length;
    const ready = new Map<number, Ready>();
    // Indices below `cursor` that must be requested again (fresh ones are taken from `cursor` upwards).
    const pending = new Set<number>();
    let cursor = 0;
    const lacking = new Map<number, Set<string>>();
    const inflight = new Map<string, number>();
    const excluded = new Set<string>();
    const cooldown = new Map<string, number>();
    const verifies = new Map<number, Promise<void>>();
    const K = o.preverifyBlocks;
    let next = 0;
    const t = { waitMs: 0, verifyWaitMs: 0, processMs: 0, requests: 0 };
    let wake: (() => void) | undefined;
    const notify = (): void => {
      wake?.();
      wake = undefined;
    };
    const controller = new AbortController();
    const stop = (): void => controller.abort(signal.reason);
    signal.addEventListener('abort', stop, { once: true });

    const requeue = (idx: number): void => {
      if (idx >= next && !ready.has(idx)) pending.add(idx);
    };

    const request = async (peer: string, idxs: number[]): Promise<void> => {
      inflight.set(peer, (inflight.get(peer) ?? 0) + 1);
      t.requests++;
      try {
        const reply = await d.fetch(
          peer,
          idxs.map((i) => items[i]!.hash),
          controller.signal,
        );
        if (excluded.has(peer)) {
          // Dropped while this request was in flight: its data is not trusted either.
          for (const idx of idxs) requeue(idx);
          return;
        }
        for (let k = 0; k < idxs.length; k++) {
          const idx = idxs[k]!;
          const bytes = reply[k];
          if (bytes === undefined) {
            requeue(idx);
            continue;
          }
          if (bytes === null) {
            let s = lacking.get(idx);
            if (s === undefined) lacking.set(idx, (s = new Set()));
            s.add(peer);
            requeue(idx);
            continue;
          }
          let block: Block;
          try {
            block = d.decode(bytes);
          } catch (err) {
            // The decoder's own code (e.g. DECODE_TOO_DEEP): the verdict every other path gives the same bytes.
            d.penalise(peer, {
              code: decodeCode(err, 'BLOCK_MALFORMED'),
              points: P2pPenalty.malformed,
              detail: `in a blocks reply: ${(err as Error).message}`,
            });
            excluded.add(peer);
            for (const rest of idxs.slice(k)) requeue(rest);
            return;
          }
          if (!bytesEqual(block.hash, items[idx]!.hash)) {
            d.penalise(peer, { code: P2pErrorCode.unrequested, points: P2pPenalty.unrequested, detail: 'blocks reply holds a block that was not requested' });
            excluded.add(peer);
            for (const rest of idxs.slice(k)) requeue(rest);
            return;
          }
          if (idx >= next) ready.set(idx, { block, peer });
        }
      } catch (err) {
        for (const idx of idxs) requeue(idx);
        if (controller.signal.aborted) return;
        const penalty = err instanceof ChainNodeError ? err.penalty : 0;
        d.penalise(peer, {
          code: err instanceof ChainNodeError ? err.code : P2pErrorCode.failed,
          points: penalty,
          detail: `blocks request: ${(err as Error).message}`,
        });
        cooldown.set(peer, Date.now() + PEER_COOLDOWN_MS);
        d.logger?.debug({ peer, err: (err as Error).message }, 'blocks request failed; re-assigning');
      } finally {
        inflight.set(peer, (inflight.get(peer) ?? 1) - 1);
        notify();
        // Keep the pipeline full while the loop waits on a signature check or a connect: ask for more blocks and
        // start checking chunks that just became complete, instead of waiting for the loop to come round.
        if (!controller.signal.aborted) {
          pump();
          startVerify();
        }
      }
    };

    const pump = (): boolean => {
      let assignable = false;
      const limit = Math.min(n, next + o.window);
      const retry = pending.size === 0 ? [] : [...pending].filter((i) => i < cursor).sort((a, b) => a - b);
      const first = retry.length > 0 ? retry[0]! : cursor;
      if (first >= n) return false;
      const candidates = d.peers(items[first]!.height).filter((p) => !excluded.has(p));
      const now = Date.now();
      for (const peer of candidates.sort((a, b) => (inflight.get(a) ?? 0) - (inflight.get(b) ?? 0))) {
        if ((cooldown.get(peer) ?? 0) > now) {
          assignable = true;
          continue;
        }
        while ((inflight.get(peer) ?? 0) < o.perPeerRequests) {
          const batch: number[] = [];
          for (const idx of retry) {
            if (idx >= limit || batch.length >= o.batchSize) break;
            if (!pending.has(idx) || lacking.get(idx)?.has(peer) === true) continue;
            batch.push(idx);
          }
          // Fresh blocks go out in full batches (small ones would follow each connected block once the window is full).
          if (batch.length > 0 || limit - cursor >= o.batchSize || limit === n) while (batch.length < o.batchSize && cursor < limit) batch.push(cursor++);
          if (batch.length === 0) break;
          for (const idx of batch) pending.delete(idx);
          assignable = true;
          void request(peer, batch);
        }
      }
      if (cursor < n) assignable ||= candidates.length > 0;
      for (const idx of pending) {
        if (idx >= cursor) continue;
        const lack = lacking.get(idx);
        if (candidates.some((p) => lack?.has(p) !== true)) assignable = true;
      }
      return assignable;
    };

    const startVerify = (): void => {
      if (K <= 0 || d.preverify === undefined) return;
      for (let c = Math.floor(next / K); c * K < Math.min(n, next + o.window); c++) {
        if (verifies.has(c)) continue;
        const blocks: Block[] = [];
        for (let i = c * K; i < Math.min(n, (c + 1) * K); i++) {
          const r = ready.get(i);
          if (r === undefined && i >= next) return;
          if (r !== undefined) blocks.push(r.block);
        }
        verifies.set(c, d.preverify(blocks));
      }
    };

    try {
      while (next < n) {
        if (controller.signal.aborted) throw controller.signal.reason ?? new Error('aborted');
        const assignable = pump();
        const r = ready.get(next);
        if (r !== undefined) {
          startVerify();
          if (K > 0) {
            const v = verifies.get(Math.floor(next / K));
            if (v !== undefined) {
              const w = performance.now();
              await v;
              t.verifyWaitMs += performance.now() - w;
            }
            if (next % K === K - 1) verifies.delete(Math.floor(next / K));
          }
          ready.delete(next);
          lacking.delete(next);
          const p0 = performance.now();
          await d.process(r.block, r.peer);
          t.processMs += performance.now() - p0;
          next++;
          onProgress?.(next);
          continue;
        }
        const busy = [...inflight.values()].some((v) => v > 0);
        if (!busy && !assignable) throw new SyncStalledError(`no peer can serve block ${next + 1} of ${n} (height ${items[next]!.height})`);
        const w0 = performance.now();
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 500).unref();
        });
        t.waitMs += performance.now() - w0;
      }
    } finally {
      d.logger?.debug(
        { blocks: next, waitMs: Math.round(t.waitMs), verifyWaitMs: Math.round(t.verifyWaitMs), processMs: Math.round(t.processMs), requests: t.requests },
        'download stats',
      );
      signal.removeEventListener('abort', stop);
      controller.abort(new Error('download finished'));
    }
  }
}
