import { ChainNodeError } from '../errors.js';
import { generateSecretKey, publicKeyFromSecret } from '../crypto/signature.js';
import { toHex } from '../util/bytes.js';
import type { CborValue } from '../primitives/cbor.js';
import { ApiRequestError, type ApiClient } from './api-client.js';
import { summarizeLatencies, type LatencySummary } from './stats.js';
import { loadHashSigner, signActionFast } from '../wallet/tx-signer.js';

/** Options of a load run. Pace with `rate` (tx/s), or leave it out to send as fast as `concurrency` allows. */
export interface LoadOptions {
  client: ApiClient;
  /** The network's chain id (genesis hash). */
  chainId: Uint8Array;
  /** Fresh actors (keys) the transactions are spread over, round robin. */
  actors: number;
  /** Target tx/s; undefined = saturation. */
  rate?: number;
  /** Transactions to send; default `rate * duration`, or 25,000 per second of `duration` at saturation. */
  count?: number;
  /** Stop sending after this many seconds (in-flight requests still finish). */
  durationSec?: number;
  /** Transactions per request: 1 uses POST /txs, more use POST /txs/batch. */
  batch: number;
  /** Most requests in flight. */
  concurrency: number;
  /** Action kind; default `metric` (an IoT container metric). */
  kind?: string;
  /** Called about 4 times a second while sending. */
  onProgress?: (p: LoadProgress) => void;
  /** Called once signing is done, before the first request. */
  onSigned?: (info: { count: number; seconds: number; signer: string }) => void;
  /** Stops sending (in-flight requests still finish). */
  signal?: AbortSignal;
  /** Keep the txids the node acknowledged (accepted or duplicate) in the summary. */
  keepAcked?: boolean;
}

/** Progress while sending. */
export interface LoadProgress {
  planned: number;
  sent: number;
  accepted: number;
  rejected: number;
  failed: number;
  elapsedSec: number;
}

/** Outcome of a load run. */
export interface LoadSummary {
  planned: number;
  /** Transactions whose request completed or failed. */
  sent: number;
  /** Acknowledged as new (202 accepted / batch ok). */
  accepted: number;
  /** Acknowledged as already pooled. */
  duplicate: number;
  /** Refused by the node, by error code. */
  rejected: number;
  rejectedByCode: Record<string, number>;
  /** In requests that got no answer or a 5xx one (node down, stopping, timeout), by error code. */
  failed: number;
  failedByCode: Record<string, number>;
  requests: number;
  durationSec: number;
  /** Accepted transactions per second of sending time. */
  acceptedPerSec: number;
  /** The requested rate, or null at saturation. */
  targetRate: number | null;
  batch: number;
  concurrency: number;
  actors: number;
  signer: string;
  signSec: number;
  /** Per-request submission latency. */
  latencyMs: LatencySummary;
  /** With `keepAcked`: txids the node acknowledged. */
  acked?: string[];
}

interface Prepared {
  hex: string[];
  txids: string[];
}

const round = (v: number, d = 1): number => Math.round(v * 10 ** d) / 10 ** d;

function metricPayload(actor: number, i: number): CborValue {
  return { containerId: `container-${actor}`, memoryMB: 256 + ((i * 37) % 768), cpuUsage: ((i * 13) % 1000) / 10, timestamp: Date.now() };
}

/** Pre-sign `count` transactions from `actors` fresh keys: transaction i is actor i % actors's next nonce. */
export function presign(count: number, actors: number, chainId: Uint8Array, kind = 'metric'): Prepared & { signer: string } {
  const signer = loadHashSigner();
  const keys = Array.from({ length: actors }, () => {
    const sk = generateSecretKey();
    return { sk, pk: publicKeyFromSecret(sk) };
  });
  const hex = new Array<string>(count);
  const txids = new Array<string>(count);
  for (let i = 0; i < count; i++) {
    const a = i % actors;
    const k = keys[a]!;
    const payloadCbor = metricPayload(a, i);
    const tx = signActionFast(k.sk, k.pk, { kind, subject: `container-${a}`, payload: null, payloadCbor }, { chainId, nonce: Math.floor(i / actors) }, signer);
    hex[i] = toHex(tx.bytes);
    txids[i] = toHex(tx.txid);
  }
  return { hex, txids, signer: signer.name };
}

function plannedCount(o: LoadOptions): number {
  if (o.count !== undefined) return o.count;
  const d = o.durationSec ?? 10;
  return Math.ceil(o.rate !== undefined ? o.rate * d : 25_000 * d);
}

function checkOptions(o: LoadOptions): void {
  const pos = (v: number | undefined, what: string, max = Number.MAX_SAFE_INTEGER): void => {
    if (v !== undefined && (!Number.isFinite(v) || v <= 0 || v > max))
      throw new ChainNodeError('LOAD_BAD_OPTION', `${what} must be a positive number${max < Number.MAX_SAFE_INTEGER ? ` up to ${max}` : ''}`);
  };
  pos(o.actors, '--actors', 1_000_000);
  pos(o.rate, '--rate');
  pos(o.count, '--count', 10_000_000);
  pos(o.durationSec, '--duration');
  pos(o.batch, '--batch', 5000);
  pos(o.concurrency, '--concurrency', 10_000);
  if (!Number.isInteger(o.actors) || !Number.isInteger(o.batch) || !Number.isInteger(o.concurrency))
    throw new ChainNodeError('LOAD_BAD_OPTION', '--actors, --batch and --concurrency must be integers');
}

/**
 * Generate traffic: pre-sign every transaction in memory with fresh keys (no keystore), then submit them at
 * `rate` (or as fast as possible) with at most `concurrency` requests in flight, recording per-request latency
 * and the node's answer for each transaction.
 */
export async function runLoad(o: LoadOptions): Promise<LoadSummary> {
  checkOptions(o);
  const planned = plannedCount(o);
  const t0 = performance.now();
  const prep = presign(planned, o.actors, o.chainId, o.kind);
  const signSec = (performance.now() - t0) / 1000;
  o.onSigned?.({ count: planned, seconds: signSec, signer: prep.signer });

  const units = Math.ceil(planned / o.batch);
  const latencies = new Float64Array(units);
  let done = 0;
  const s = { sent: 0, accepted: 0, duplicate: 0, rejected: 0, failed: 0, requests: 0 };
  const rejectedByCode: Record<string, number> = {};
  const failedByCode: Record<string, number> = {};
  const acked: string[] = [];
  const bump = (m: Record<string, number>, code: string, n = 1): void => {
    m[code] = (m[code] ?? 0) + n;
  };

  const sendUnit = async (u: number): Promise<void> => {
    const from = u * o.batch;
    const to = Math.min(planned, from + o.batch);
    const t = performance.now();
    try {
      if (o.batch === 1) {
        try {
          const r = await o.client.submitTx(prep.hex[from]!);
          if (r.status === 'duplicate') s.duplicate++;
          else s.accepted++;
          if (o.keepAcked === true) acked.push(r.txid);
        } catch (err) {
          // A 5xx (a node shutting down answers 503) says nothing about the transaction: it failed, not rejected.
          if (err instanceof ApiRequestError && err.status < 500) {
            s.rejected++;
            bump(rejectedByCode, err.code);
          } else throw err;
        }
      } else {
        const r = await o.client.submitBatch(prep.hex.slice(from, to));
        r.results.forEach((res, j) => {
          if (res.ok) {
            if (res.code === 'TX_DUPLICATE') s.duplicate++;
            else s.accepted++;
            if (o.keepAcked === true) acked.push(res.txid ?? prep.txids[from + j]!);
          } else {
            s.rejected++;
            bump(rejectedByCode, res.code ?? 'UNKNOWN');
          }
        });
      }
      latencies[done++] = performance.now() - t;
    } catch (err) {
      s.failed += to - from;
      bump(failedByCode, err instanceof ChainNodeError ? err.code : 'INTERNAL_ERROR', to - from);
    } finally {
      s.sent += to - from;
      s.requests++;
    }
  };

  const start = performance.now();
  const deadline = o.durationSec === undefined ? Infinity : start + o.durationSec * 1000;
  const inflight = new Set<Promise<void>>();
  let next = 0;
  let lastProgress = 0;
  const progress = (): void => {
    o.onProgress?.({
      planned,
      sent: s.sent,
      accepted: s.accepted + s.duplicate,
      rejected: s.rejected,
      failed: s.failed,
      elapsedSec: (performance.now() - start) / 1000,
    });
  };
  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

  while (next < units && o.signal?.aborted !== true) {
    const now = performance.now();
    // Units due by now at the target rate (all of them at saturation); at the deadline, the last due ones still go.
    const due = o.rate === undefined ? units : Math.min(units, Math.floor((((now - start) / 1000) * o.rate) / o.batch) + 1);
    while (next < due && inflight.size < o.concurrency) {
      const p: Promise<void> = sendUnit(next++).finally(() => inflight.delete(p));
      inflight.add(p);
    }
    if (now - lastProgress >= 250) {
      lastProgress = now;
      progress();
    }
    if (next >= units || now >= deadline) break;
    if (inflight.size >= o.concurrency) await Promise.race(inflight);
    else await sleep(Math.max(1, Math.min(50, start + ((next * o.batch) / o.rate!) * 1000 - performance.now())));
  }
  await Promise.all(inflight);
  const durationSec = (performance.now() - start) / 1000;
  progress();

  const summary: LoadSummary = {
    planned,
    sent: s.sent,
    accepted: s.accepted,
    duplicate: s.duplicate,
    rejected: s.rejected,
    rejectedByCode,
    failed: s.failed,
    failedByCode,
    requests: s.requests,
    durationSec: round(durationSec, 2),
    acceptedPerSec: round(durationSec > 0 ? s.accepted / durationSec : 0),
    targetRate: o.rate ?? null,
    batch: o.batch,
    concurrency: o.concurrency,
    actors: o.actors,
    signer: prep.signer,
    signSec: round(signSec, 2),
    latencyMs: summarizeLatencies(latencies.subarray(0, done)),
  };
  if (o.keepAcked === true) summary.acked = acked;
  return summary;
}

/** Human summary of a load run (the signing time is printed once, when signing ends: see `onSigned`). */
export function formatLoadSummary(r: LoadSummary): string {
  const codes = (m: Record<string, number>): string =>
    Object.entries(m)
      .map(([c, n]) => `${c} ${n}`)
      .join(', ');
  return [
    `sent ${r.sent} of ${r.planned} tx in ${r.requests} requests over ${r.durationSec} s (${r.targetRate === null ? 'saturation' : `target ${r.targetRate} tx/s`}, batch ${r.batch}, concurrency ${r.concurrency}, ${r.actors} actors)`,
    `accepted ${r.accepted}${r.duplicate > 0 ? ` (+${r.duplicate} duplicate)` : ''}: ${r.acceptedPerSec} tx/s`,
    `rejected ${r.rejected}${r.rejected > 0 ? ` (${codes(r.rejectedByCode)})` : ''}`,
    ...(r.failed > 0 ? [`failed ${r.failed} (${codes(r.failedByCode)})`] : []),
    `latency per request: p50 ${r.latencyMs.p50} ms, p95 ${r.latencyMs.p95} ms, p99 ${r.latencyMs.p99} ms, max ${r.latencyMs.max} ms`,
  ].join('\n');
}
