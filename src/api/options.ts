import type { ReadBudget } from './block-reader.js';
import type { TlsFiles } from './tls.js';

/** Limits of the server-sent event stream (`GET /events`). */
export interface SseOptions {
  /** Most open streams at once. */
  maxClients: number;
  /** Most open streams from one client address. */
  maxClientsPerAddress: number;
  /** Unsent bytes one stream may hold; past it the client is too slow to follow and is dropped. */
  maxBufferBytes: number;
  /** Comment line sent this often so proxies keep idle streams open. */
  heartbeatMs: number;
  /** Most blocks behind the tip a stream may resume from with Last-Event-ID (further: a `resync` event). */
  historyBlocks: number;
}

/** HTTP API options. */
export interface ApiOptions {
  host: string;
  port: number;
  /** Allowed CORS origins; empty = CORS off. */
  cors: string[];
  /** Requests per minute per client address (SSE and /health are exempt); 0 = no limit. */
  rateLimitPerMinute: number;
  /** Largest body of `POST /txs/batch`; every other route has a limit sized to what it accepts. */
  bodyLimitBytes: number;
  /** Host header names answered besides loopback names and IP literals (DNS-rebinding guard). */
  allowedHosts: string[];
  /** Most open HTTP connections; the server refuses more at accept. */
  maxConnections: number;
  /** A request must arrive whole within this time (408 after); also the idle timeout of non-SSE sockets. */
  requestTimeoutMs: number;
  /** Bound on a graceful close: streams are ended at once, other connections are cut after this. */
  closeTimeoutMs: number;
  sse: SseOptions;
  /** Per-request bounds on stored block bytes read by index and block list routes (default READ_BUDGET). */
  readBudget?: ReadBudget;
  /** Serve the web explorer at `/` (when it was built). */
  explorer?: boolean;
  /** Reads need scope `read` and submissions `submit` (default false: both open, admin routes always need `admin`). */
  requireAuth?: boolean;
  /** Requests per minute of an API token or JWT subject without its own limit (default: rateLimitPerMinute). */
  tokenRateLimitPerMinute?: number;
  /** Serve HTTPS with this certificate and key (see tls.ts); absent: plain HTTP. */
  tls?: TlsFiles;
}

/** Defaults: localhost only, CORS off, limits sized for one operator's clients. */
export const API_DEFAULTS: ApiOptions = {
  host: '127.0.0.1',
  port: 17332,
  cors: [],
  rateLimitPerMinute: 6_000,
  bodyLimitBytes: 8 * 1024 * 1024,
  allowedHosts: [],
  maxConnections: 2_048,
  requestTimeoutMs: 30_000,
  closeTimeoutMs: 3_000,
  sse: { maxClients: 1_024, maxClientsPerAddress: 64, maxBufferBytes: 256 * 1024, heartbeatMs: 15_000, historyBlocks: 10_000 },
};
