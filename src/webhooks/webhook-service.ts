import { createHash, randomBytes } from 'node:crypto';
import type { Agent } from 'node:http';
import type { Logger } from 'pino';
import { recordJson, recordMatches } from '../api/event-ids.js';
import type { ChainReader } from '../chain/reader.js';
import type { TreeNode } from '../chain/block-tree.js';
import type { Finality } from '../finality/finality.js';
import { deliveryAgents, postJson, type PostResult } from './deliver.js';
import { WebhookError, WebhookErrorCode } from './errors.js';
import type { HookStore } from './hook-store.js';
import { IDEMPOTENCY_HEADER, newSecret, SIGNATURE_HEADER, signatureHeader } from './signature.js';
import { resolveTarget, systemResolver, type Resolver } from './target-guard.js';
import type { Delivery, DeliveryLogEntry, Hook, HookFilter } from './types.js';

/** Webhook options (config keys `webhooks.*`). */
export interface WebhookOptions {
  allowPrivateTargets: boolean;
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  timeoutMs: number;
  concurrency: number;
  logSize: number;
  /** Most hooks at once. */
  maxHooks?: number;
}

/** Dependencies of the webhook service. */
export interface WebhookDeps {
  chain: ChainReader;
  store: HookStore;
  finality?: Finality;
  logger?: Logger;
  now?: () => number;
  resolver?: Resolver;
  /** Source of jitter in [0, 1) (tests may fix it). */
  random?: () => number;
  userAgent?: string;
}

// Blocks turned into deliveries per hook per step (a hook far behind catches up in steps, others interleave).
const BLOCKS_PER_STEP = 256;

/** Idempotency key of a record to a hook: stable across attempts, restarts and reorgs (hook id + txid). */
export function deliveryKey(hookId: string, txidHex: string): string {
  return createHash('sha256').update(`${hookId}\n${txidHex}`).digest('hex').slice(0, 32);
}

/**
 * Webhooks: turns main-chain records matching each hook's filter into persisted deliveries (a per-hook cursor moves
 * with them in one batch) and delivers them: JSON, signed (see signature.ts), retried with exponential backoff and
 * jitter up to `maxAttempts`, then dead-lettered. A record waits for `blocks` confirmations, or for a final
 * checkpoint with `finality`. Targets pass the SSRF guard at registration and again at every attempt.
 */
export class WebhookService {
  readonly #o: WebhookOptions;
  readonly #d: WebhookDeps;
  readonly #now: () => number;
  readonly #log: Logger | undefined;
  readonly #agents: { http: Agent; https: Agent };
  readonly #inFlight = new Map<number, Promise<void>>();
  readonly #hookCache = new Map<string, Hook>();
  #scanning: Promise<void> = Promise.resolve();
  #scanQueued = false;
  #timer: NodeJS.Timeout | undefined;
  #pumping = false;
  #repump = false;
  #stopped = false;
  /** Attempts since start by outcome (metrics, bench). */
  readonly outcomes = { delivered: 0, retry: 0, dead: 0 };

  constructor(options: WebhookOptions, deps: WebhookDeps) {
    this.#o = options;
    this.#d = deps;
    this.#now = deps.now ?? Date.now;
    this.#log = deps.logger?.child({ module: 'webhooks' });
    this.#agents = deliveryAgents(Math.max(1, options.concurrency));
  }

  /** Follow the chain and start delivering (pending deliveries from before a restart go out first). */
  start(): void {
    this.#d.chain.on('block:connected', this.#onChain);
    this.#d.chain.on('reorg', this.#onChain);
    this.#d.finality?.on('final', this.#onChain);
    this.#onChain();
    this.#wake();
  }

  /** Stop following and delivering; waits for attempts in flight (each bounded by timeoutMs). */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#d.chain.off('block:connected', this.#onChain);
    this.#d.chain.off('reorg', this.#onChain);
    this.#d.finality?.off('final', this.#onChain);
    clearTimeout(this.#timer);
    await this.#scanning;
    await Promise.all(this.#inFlight.values());
    this.#agents.http.destroy();
    this.#agents.https.destroy();
  }

  /** Register a hook (URL checked by the SSRF guard now and at every delivery); the secret is returned once. */
  async create(input: { url: string; filter?: HookFilter }): Promise<Hook> {
    await resolveTarget(input.url, this.#o.allowPrivateTargets, this.#d.resolver ?? systemResolver);
    const hooks = await this.#d.store.hooks();
    const max = this.#o.maxHooks ?? 1_000;
    if (hooks.length >= max) throw new WebhookError(WebhookErrorCode.limit, `at most ${max} webhooks; delete one first`);
    const tip = this.#d.chain.tip;
    const hook: Hook = {
      id: `wh_${randomBytes(12).toString('hex')}`,
      url: input.url,
      filter: input.filter ?? {},
      secret: newSecret(),
      createdAt: new Date(this.#now()).toISOString(),
      // Records mined from the next block on (delivered once deep enough, or final, for those filters).
      cursor: { height: tip.height, hash: tip.header.hashHex },
    };
    await this.#d.store.putHook(hook);
    return hook;
  }

  /** Every hook (secrets included: callers strip them). */
  hooks(): Promise<Hook[]> {
    return this.#d.store.hooks();
  }

  /** One hook or WEBHOOK_NOT_FOUND. */
  async hook(id: string): Promise<Hook> {
    const h = await this.#d.store.hook(id);
    if (h === undefined) throw new WebhookError(WebhookErrorCode.notFound, `no webhook ${id}`);
    return h;
  }

  /** Delete a hook and everything it has pending. */
  async remove(id: string): Promise<void> {
    await this.hook(id);
    // In the scan chain: a scan in progress must not write the hook back after it is gone.
    this.#hookCache.delete(id);
    const done = this.#scanning.then(() => this.#d.store.deleteHook(id));
    this.#scanning = done.catch(() => undefined);
    await done;
  }

  /** A hook's delivery log, newest first. */
  async log(id: string, limit = 100): Promise<DeliveryLogEntry[]> {
    await this.hook(id);
    return this.#d.store.log(id, limit);
  }

  /** A hook's dead letters. */
  async deadLetters(id: string, limit = 100): Promise<Delivery[]> {
    await this.hook(id);
    return this.#d.store.deadLetters(id, limit);
  }

  /** Retry a dead letter now. */
  async redrive(id: string, seq: number): Promise<Delivery> {
    await this.hook(id);
    const d = await this.#d.store.redrive(id, seq, this.#now());
    if (d === undefined) throw new WebhookError(WebhookErrorCode.deliveryNotFound, `webhook ${id} has no dead letter ${seq}`);
    this.#wake();
    return d;
  }

  /** Pending deliveries of a hook. */
  pendingCount(id: string): Promise<number> {
    return this.#d.store.pendingCount(id);
  }

  /** Resolves once every block known now has been turned into deliveries (tests, bench). */
  async idle(): Promise<void> {
    await this.#scanning;
  }

  readonly #onChain = (): void => {
    if (this.#stopped || this.#scanQueued) return;
    this.#scanQueued = true;
    this.#scanning = this.#scanning.then(async () => {
      this.#scanQueued = false;
      try {
        let added = 0;
        for (const hook of await this.#d.store.hooks()) added += await this.#follow(hook);
        if (added > 0) this.#wake();
      } catch (err) {
        this.#log?.error({ err }, 'webhook scan failed');
      }
    });
  };

  // Turn the blocks between the hook's cursor and its target height into deliveries, step by step.
  async #follow(hook: Hook): Promise<number> {
    const chain = this.#d.chain;
    const target = hook.filter.finality === true ? (chain.finalNode?.height ?? -1) : chain.height - ((hook.filter.blocks ?? 1) - 1);
    let added = 0;
    for (;;) {
      const from = this.#mainAncestor(hook);
      if (from.height >= target || this.#stopped) return added;
      const records: Array<{ key: string; body: (key: string) => string }> = [];
      let last: TreeNode = from;
      for (let h = from.height + 1; h <= Math.min(target, from.height + BLOCKS_PER_STEP); h++) {
        const node = chain.nodeAt(h);
        const block = node === undefined ? undefined : await chain.getBlock(node.hex);
        if (node === undefined || block === undefined) break;
        block.txs.forEach((tx, i) => {
          if (!recordMatches(hook.filter, tx)) return;
          const record = recordJson(tx, block, h, i);
          records.push({
            key: deliveryKey(hook.id, tx.txidHex),
            body: (key) => JSON.stringify({ id: key, hook: hook.id, type: 'record', createdAt: new Date(this.#now()).toISOString(), record }),
          });
        });
        last = node;
      }
      if (last === from) return added;
      hook.cursor = { height: last.height, hash: last.header.hashHex };
      added += await this.#d.store.advance(hook, records, this.#now());
    }
  }

  // The cursor's block, or (after a reorg took it off the main chain) its last main-chain ancestor.
  #mainAncestor(hook: Hook): TreeNode {
    const chain = this.#d.chain;
    let n: TreeNode | undefined = chain.node(Buffer.from(hook.cursor.hash, 'hex').reverse());
    while (n !== undefined && !chain.isMain(n)) n = n.parent;
    return n ?? chain.nodeAt(Math.min(hook.cursor.height, chain.height))!;
  }

  #wake(): void {
    if (this.#stopped) return;
    if (this.#pumping) {
      this.#repump = true;
      return;
    }
    this.#pumping = true;
    void this.#pump().finally(() => {
      this.#pumping = false;
      if (this.#repump) {
        this.#repump = false;
        this.#wake();
      }
    });
  }

  // Start due deliveries up to the concurrency, then sleep until the next one is due (or a wake-up).
  async #pump(): Promise<void> {
    try {
      const skip = new Set(this.#inFlight.keys());
      const due = await this.#d.store.due(this.#now(), this.#o.concurrency - this.#inFlight.size, skip);
      for (const d of due) {
        const p = this.#attempt(d).finally(() => {
          this.#inFlight.delete(d.seq);
          this.#wake();
        });
        this.#inFlight.set(d.seq, p);
      }
      if (due.length > 0 || this.#stopped) return;
      const next = await this.#d.store.nextDue();
      clearTimeout(this.#timer);
      if (next !== undefined && this.#inFlight.size < this.#o.concurrency) {
        this.#timer = setTimeout(() => this.#wake(), Math.max(10, next - this.#now()));
        this.#timer.unref();
      }
    } catch (err) {
      this.#log?.error({ err }, 'webhook delivery loop failed');
      this.#timer = setTimeout(() => this.#wake(), 1_000);
      this.#timer.unref();
    }
  }

  async #attempt(d: Delivery): Promise<void> {
    // URL and secret never change: one read per hook, not per attempt (remove() drops the entry).
    let hook = this.#hookCache.get(d.hook);
    if (hook === undefined) {
      hook = await this.#d.store.hook(d.hook);
      if (hook !== undefined) this.#hookCache.set(d.hook, hook);
    }
    if (hook === undefined) return;
    const started = this.#now();
    let r: PostResult;
    try {
      const target = await resolveTarget(hook.url, this.#o.allowPrivateTargets, this.#d.resolver ?? systemResolver);
      const t = Math.floor(this.#now() / 1000);
      const headers = {
        [SIGNATURE_HEADER]: signatureHeader(hook.secret, t, d.body),
        [IDEMPOTENCY_HEADER]: d.key,
        'chain-node-hook': hook.id,
        'chain-node-attempt': String(d.attempts + 1),
        'user-agent': this.#d.userAgent ?? 'chain-node-webhooks',
      };
      r = await postJson(target, headers, d.body, this.#o.timeoutMs, this.#agents);
    } catch (err) {
      r = { ok: false, error: err instanceof WebhookError ? `${err.code}: ${err.message}` : (err as Error).message };
    }
    const now = this.#now();
    const attempt = d.attempts + 1;
    const entry: DeliveryLogEntry = { key: d.key, seq: d.seq, at: new Date(now).toISOString(), attempt, ok: r.ok, ms: now - started, outcome: 'delivered' };
    if (r.status !== undefined) entry.status = r.status;
    if (r.error !== undefined) entry.error = r.error;
    let next: Delivery | undefined;
    if (!r.ok) {
      next = { ...d, attempts: attempt, ...(r.error === undefined ? {} : { lastError: r.error }), ...(r.status === undefined ? {} : { lastStatus: r.status }) };
      if (attempt >= this.#o.maxAttempts) entry.outcome = 'dead';
      else {
        next.nextAt = now + this.#backoff(attempt);
        entry.outcome = 'retry';
        entry.nextAt = new Date(next.nextAt).toISOString();
      }
    }
    await this.#d.store.settle(d, entry, next, this.#o.logSize);
    this.outcomes[entry.outcome]++;
    if (entry.outcome === 'dead') this.#log?.warn({ hook: hook.id, key: d.key, attempts: attempt, error: r.error }, 'webhook delivery dead-lettered');
  }

  // Exponential backoff with "equal jitter": half the capped delay plus a random part of the other half.
  #backoff(attempt: number): number {
    const cap = Math.min(this.#o.backoffMaxMs, this.#o.backoffBaseMs * 2 ** Math.min(attempt - 1, 30));
    return Math.round(cap / 2 + (this.#d.random ?? Math.random)() * (cap / 2));
  }
}
