import { ApiRequestError } from '../client/api-client.js';
import { loadHashSigner, signActionFast, type ActionInput, type EncodedSignedTx, type HashSigner } from '../wallet/tx-signer.js';
import { publicKeyFromSecret } from '../crypto/signature.js';
import { ChainNodeError } from '../errors.js';
import { fromHex, toHex } from '../util/bytes.js';
import { createChainClient, unwrap, type ChainClient } from './client.js';

/** Options of a {@link TxSender}. */
export interface TxSenderOptions {
  /** The node's API base URL (or pass `client`). */
  url?: string;
  /** A typed client made by `createChainClient` (takes precedence over `url`/`token`). */
  client?: ChainClient;
  /** Bearer token for `url`. */
  token?: string;
  /** The actor's 32-byte secp256k1 secret key. */
  secretKey: Uint8Array;
  /** The network's chain id (genesis hash); default: read from GET /status. */
  chainId?: Uint8Array;
  /** Records per POST /txs/batch request (1-5000, default 500). */
  batchSize?: number;
  /** Tries per record before it is reported failed (default 5). */
  maxAttempts?: number;
  /** First retry delay, doubled per retry (default 100 ms). */
  retryDelayMs?: number;
  /** Per-request timeout (default 30 s). */
  timeoutMs?: number;
  /** Signer (default: `loadHashSigner()`, libsecp256k1 when it loads, else @noble/curves). */
  signer?: HashSigner;
}

/** What happened to one record given to {@link TxSender.send}. */
export interface SendResult {
  /** Position in the `send` input. */
  index: number;
  /** Txid (hex) of the last signed version sent. */
  txid: string;
  nonce: number;
  /**
   * `accepted` (new in the mempool), `duplicate` (already there: a retry of a request that had reached the node),
   * `rejected` (refused: `code`; for a reason retrying cannot change, or a transient one such as
   * MEMPOOL_ACTOR_LIMIT that lasted through every try), or `failed` (no verdict after every try: no answer or a
   * 5xx; the node may or may not hold it, look it up with GET /txs/:txid).
   */
  status: 'accepted' | 'duplicate' | 'rejected' | 'failed';
  code?: string;
  message?: string;
  attempts: number;
}

// Resending the same bytes is safe (same txid: the node answers TX_DUPLICATE), so these are retried as they are.
const TRANSIENT = new Set(['MEMPOOL_FULL', 'MEMPOOL_ACTOR_LIMIT', 'RATE_LIMITED', 'NODE_STOPPING', 'API_UNREACHABLE', 'API_TIMEOUT']);
// The local nonce fell behind or ran ahead of the node's (another client used the key, a reorg, a node restart
// that lost its mempool; a conflict: another transaction holds that nonce in the pool): ask the node for its
// next free nonce and re-sign.
const RESYNC = new Set(['TX_NONCE_TOO_LOW', 'TX_NONCE_TOO_FAR', 'TX_NONCE_CONFLICT']);

function transportError(what: string, err: unknown): ChainNodeError {
  const timeout = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
  return new ChainNodeError(timeout ? 'API_TIMEOUT' : 'API_UNREACHABLE', `${what}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
}

interface Slot {
  index: number;
  action: ActionInput;
  tx?: EncodedSignedTx;
  nonce?: number;
  attempts: number;
}

/**
 * Signs and submits one actor's actions: tracks the actor's next nonce locally (read once from GET
 * /accounts/:actor), signs with the fast signer, sends in POST /txs/batch requests, and retries safely:
 * resends the same signed bytes after transport errors, 5xx and transient refusals (idempotent by txid),
 * re-signs with a fresh nonce after a nonce refusal (resyncing from the node), and reuses the nonce of a
 * record refused for good so no gap blocks the records after it. Calls to `send` run one after another.
 */
export class TxSender {
  /** The actor (compressed public key, hex). */
  readonly actor: string;
  readonly #client: ChainClient;
  readonly #secretKey: Uint8Array;
  readonly #publicKey: Uint8Array;
  readonly #signer: HashSigner;
  readonly #batchSize: number;
  readonly #maxAttempts: number;
  readonly #retryDelayMs: number;
  readonly #timeoutMs: number;
  #chainId: Uint8Array | undefined;
  #next: number | undefined;
  // Nonces handed out whose records were refused for good: the next records take them first.
  #free: number[] = [];
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: TxSenderOptions) {
    if (options.client === undefined && options.url === undefined) throw new ChainNodeError('SDK_BAD_OPTION', 'TxSender needs url or client');
    const batch = options.batchSize ?? 500;
    if (!Number.isInteger(batch) || batch < 1 || batch > 5000) throw new ChainNodeError('SDK_BAD_OPTION', 'batchSize must be an integer from 1 to 5000');
    this.#client = options.client ?? createChainClient({ url: options.url!, ...(options.token === undefined ? {} : { token: options.token }) });
    this.#secretKey = options.secretKey;
    this.#publicKey = publicKeyFromSecret(options.secretKey);
    this.actor = toHex(this.#publicKey);
    this.#signer = options.signer ?? loadHashSigner();
    this.#batchSize = batch;
    this.#maxAttempts = Math.max(1, options.maxAttempts ?? 5);
    this.#retryDelayMs = options.retryDelayMs ?? 100;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#chainId = options.chainId;
  }

  /** Which library signs (`libsecp256k1` or `noble`). */
  get signerName(): string {
    return this.#signer.name;
  }

  /** The next nonce this sender will use (undefined before the first send or {@link resync}). */
  get nextNonce(): number | undefined {
    return this.#free[0] ?? this.#next;
  }

  /** Read the actor's next nonce, counting the node's mempool, from GET /accounts/:actor. */
  async resync(): Promise<number> {
    const acct = await this.#read(async () =>
      unwrap(await this.#client.GET('/accounts/{actor}', { params: { path: { actor: this.actor } }, signal: AbortSignal.timeout(this.#timeoutMs) })),
    );
    this.#next = acct.pendingNonce;
    this.#free = [];
    return acct.pendingNonce;
  }

  /** Sign and submit `actions` in order; one result per action, in input order. */
  send(actions: ActionInput[]): Promise<SendResult[]> {
    const run = this.#queue.then(() => this.#send(actions));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #send(actions: ActionInput[]): Promise<SendResult[]> {
    if (this.#chainId === undefined) {
      const s = await this.#read(async () => unwrap(await this.#client.GET('/status', { signal: AbortSignal.timeout(this.#timeoutMs) })));
      this.#chainId = fromHex(s.chainId);
    }
    if (this.#next === undefined) await this.resync();
    const results = new Array<SendResult>(actions.length);
    const pending: Slot[] = actions.map((action, index) => ({ index, action, attempts: 0 }));
    let delay = this.#retryDelayMs;
    while (pending.length > 0) {
      const chunk = pending.splice(0, this.#batchSize);
      for (const s of chunk) if (s.tx === undefined) this.#sign(s);
      for (const s of chunk) s.attempts++;
      const retry: Slot[] = [];
      let resync = false;
      let unknownFate = false;
      let answered: Array<{ ok: boolean; code?: string; message?: string }>;
      try {
        answered = await this.#post(chunk);
      } catch (err) {
        const code = err instanceof ChainNodeError ? err.code : 'API_UNREACHABLE';
        const message = err instanceof Error ? err.message : String(err);
        // A 4xx for the whole request (a body over the node's limit, ...) is final for every record in it.
        const transient = !(err instanceof ApiRequestError && err.status < 500);
        answered = chunk.map(() => ({ ok: false, code, message, transient }));
      }
      chunk.forEach((s, j) => {
        const r = answered[j] as { ok: boolean; code?: string; message?: string; transient?: boolean };
        if (r.ok) {
          results[s.index] = this.#result(s, r.code === 'TX_DUPLICATE' ? 'duplicate' : 'accepted');
          return;
        }
        const code = r.code ?? 'UNKNOWN';
        const canRetry = s.attempts < this.#maxAttempts;
        if (RESYNC.has(code) && canRetry) {
          resync = true;
          s.tx = undefined;
          retry.push(s);
        } else if ((r.transient === true || TRANSIENT.has(code)) && canRetry) {
          retry.push(s);
        } else if (r.transient === true) {
          // No verdict for this record (no answer, or a 5xx): the node may hold it. Ask the node for the nonce.
          results[s.index] = this.#result(s, 'failed', code, r.message);
          unknownFate = true;
        } else {
          results[s.index] = this.#result(s, 'rejected', code, r.message);
          // The node did not take this nonce: hand it to the next record so no gap holds back later ones.
          if (!RESYNC.has(code)) this.#release(s.nonce!);
        }
      });
      if (resync) await this.resync();
      else if (unknownFate) await this.resync().catch(() => undefined);
      if (retry.length > 0) {
        pending.unshift(...retry);
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 5_000);
      } else delay = this.#retryDelayMs;
    }
    return results;
  }

  // A read (GET: safe to repeat), retried like a batch after transport errors and 5xx/429 answers.
  async #read<T>(fn: () => Promise<T>): Promise<T> {
    let delay = this.#retryDelayMs;
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        const answered = err instanceof ApiRequestError;
        const retryable = !answered || err.status >= 500 || err.status === 429;
        if (!retryable) throw err;
        if (attempt >= this.#maxAttempts) throw answered ? err : transportError('GET', err);
      }
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 5_000);
    }
  }

  #sign(s: Slot): void {
    const nonce = this.#free.shift() ?? this.#next!++;
    s.nonce = nonce;
    s.tx = signActionFast(this.#secretKey, this.#publicKey, s.action, { chainId: this.#chainId!, nonce }, this.#signer);
  }

  #release(nonce: number): void {
    this.#free.push(nonce);
    this.#free.sort((a, b) => a - b);
  }

  #result(s: Slot, status: SendResult['status'], code?: string, message?: string): SendResult {
    return {
      index: s.index,
      txid: toHex(s.tx!.txid),
      nonce: s.nonce!,
      status,
      ...(code === undefined ? {} : { code }),
      ...(message === undefined ? {} : { message }),
      attempts: s.attempts,
    };
  }

  // One result per record; throws (to be retried as a whole) on transport errors and 5xx/429 answers.
  async #post(chunk: Slot[]): Promise<Array<{ ok: boolean; code?: string; message?: string; transient?: boolean }>> {
    let res;
    try {
      res = await this.#client.POST('/txs/batch', { body: { txs: chunk.map((s) => toHex(s.tx!.bytes)) }, signal: AbortSignal.timeout(this.#timeoutMs) });
    } catch (err) {
      throw transportError('POST /txs/batch', err);
    }
    if (res.response.status >= 500 || res.response.status === 429) {
      const e = (() => {
        try {
          unwrap(res);
        } catch (err) {
          return err as ApiRequestError;
        }
        return new ApiRequestError(`HTTP_${res.response.status}`, 'retryable answer', res.response.status);
      })();
      return chunk.map(() => ({ ok: false, code: e.code, message: e.message, transient: true }));
    }
    const body = unwrap(res);
    if (body.results.length !== chunk.length)
      throw new ChainNodeError('API_BAD_RESPONSE', `POST /txs/batch answered ${body.results.length} results for ${chunk.length} transactions`);
    return body.results;
  }
}
