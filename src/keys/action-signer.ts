import type { Logger } from 'pino';
import { ChainNodeError, type ErrorCode } from '../errors.js';
import { actionBody, type ActionInput } from '../wallet/tx-signer.js';
import { defaultSignatureVerifier } from '../crypto/signature.js';
import type { SignatureVerifier } from '../crypto/verifier.js';
import type { AddResult, TxSources } from '../mempool/types.js';
import { encodeCbor } from '../primitives/cbor.js';
import { Transaction, signingHashFromSigned } from '../primitives/transaction.js';
import type { NodeKeys, UnlockedKey } from './node-keys.js';
import { SignPool } from './sign-pool.js';

/** One action to sign: what `POST /actions` takes besides the key. */
export type SignRequest = Pick<ActionInput, 'kind' | 'subject' | 'payload'>;

/** Outcome of one signed action, in request order. */
/** A signed action's txid, nonce and transaction time (ms), or why it was refused. */
export type SignResult = { ok: true; txid: string; nonce: number; time: number } | { ok: false; code: ErrorCode; message: string };

/** The mempool side of the signer. */
export interface SignerPool {
  readonly options: { readonly maxPerActor: number; readonly maxCount: number };
  readonly size: number;
  actorState(actor: string): { count: number; readyEnd: number } | undefined;
  addSigned(txs: readonly Transaction[], sources?: TxSources): Promise<AddResult[]>;
  dropActorFrom(actor: string, nonce: number): number;
}

/** Options of an {@link ActionSigner}. */
export interface ActionSignerOptions {
  /** Most actions waiting for one key; more are refused with `KEY_QUEUE_FULL`. */
  maxQueue: number;
  /** Longest an action waits for room in the pool; then `MEMPOOL_ACTOR_LIMIT` (the key's actor at its limit) or `MEMPOOL_FULL`. */
  waitMs: number;
  /** Largest encoded transaction (the network's). */
  maxTxBytes: number;
  /** Most actions signed and submitted in one round. */
  maxRound?: number;
}

/** Dependencies of an {@link ActionSigner}. */
export interface ActionSignerDependencies {
  keys: NodeKeys;
  mempool: SignerPool;
  chainId: Uint8Array;
  /** The actor's next nonce on the chain tip. */
  nextNonce(actor: Uint8Array): Promise<number>;
  now?: () => number;
  logger?: Logger;
  /** Checks one signature per round (default the node's verifier). */
  verifier?: SignatureVerifier;
  /** Signs on worker threads (default a pool of its own, closed with the signer). */
  signPool?: SignPool;
}

interface Waiting {
  action: SignRequest;
  source: string | undefined;
  deadline: number;
  resolve(r: SignResult): void;
}

interface KeyLane {
  queue: Waiting[];
  running: boolean;
}

/** Actions encoded with consecutive nonces `first`..`next - 1`, their signatures on the way. */
interface Round {
  key: UnlockedKey;
  first: number;
  next: number;
  bodies: Uint8Array[];
  slots: Waiting[];
  sigs: Promise<Uint8Array[]>;
}

const ROOM_POLL_MS = 20;
// Offset of the signature bytes in a canonical signed transaction (SPEC 6 key order: v, sig, ...).
const SIG_OFFSET = 1 + 3 + 6;

/**
 * Signs actions with node-held keys and submits them to the mempool. Each key has one serial lane: a round
 * takes every waiting action (up to the room its actor has in the pool), gives them consecutive nonces from the
 * actor's next nonce counting the pool (chain state + pooled run, recomputed every round, so a restart or a reorg
 * leaves no gap), signs and submits them as one batch. Bad actions are refused before they take a nonce; if the
 * pool refuses one, the ones signed after it in the same round are withdrawn so no gap is left behind. The next
 * round is built while one is being signed, and submitted only if it still starts at the actor's next nonce. An idle
 * lane starts its first round on the next turn of the event loop, so single requests that arrive together (each in
 * its own I/O callback) share a round instead of paying a round each.
 */
export class ActionSigner {
  readonly #options: Required<ActionSignerOptions>;
  readonly #deps: ActionSignerDependencies;
  readonly #lanes = new Map<string, KeyLane>();
  readonly #now: () => number;
  readonly #verifier: SignatureVerifier;
  readonly #signPool: SignPool;
  #closed = false;

  constructor(options: ActionSignerOptions, deps: ActionSignerDependencies) {
    this.#options = { maxRound: 1000, ...options };
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
    this.#verifier = deps.verifier ?? defaultSignatureVerifier();
    this.#signPool = deps.signPool ?? new SignPool();
  }

  /** Actions waiting for a key (all keys when none given). */
  queued(key?: string): number {
    if (key !== undefined) return this.#lanes.get(key)?.queue.length ?? 0;
    let n = 0;
    for (const l of this.#lanes.values()) n += l.queue.length;
    return n;
  }

  /**
   * Sign and submit `actions` with key `key`, in order (consecutive nonces when all succeed). Throws (nothing
   * queued) `KEY_LOCKED`, `KEY_NOT_FOUND`, `KEY_BAD_NAME`, `KEY_QUEUE_FULL`, `KEY_SIGNER_CLOSED`; otherwise resolves
   * one result per action.
   */
  async submit(key: string, actions: readonly SignRequest[], source?: string): Promise<SignResult[]> {
    if (this.#closed) throw new ChainNodeError('KEY_SIGNER_CLOSED', 'the node is stopping');
    await this.#deps.keys.unlock(key);
    let lane = this.#lanes.get(key);
    if (lane === undefined) this.#lanes.set(key, (lane = { queue: [], running: false }));
    if (lane.queue.length + actions.length > this.#options.maxQueue) {
      throw new ChainNodeError('KEY_QUEUE_FULL', `key '${key}' has ${lane.queue.length} actions waiting (most ${this.#options.maxQueue}); retry later`);
    }
    const deadline = this.#now() + this.#options.waitMs;
    const results = actions.map(
      (action) =>
        new Promise<SignResult>((resolve) => {
          lane.queue.push({ action, source, deadline, resolve });
        }),
    );
    if (!lane.running) {
      lane.running = true;
      // The round starts after this turn's I/O callbacks: requests that arrive together (one per connection, each
      // in its own callback) share one round, as POST /txs's submissions share one admission batch.
      setImmediate(() => void this.#run(key, lane));
    }
    return Promise.all(results);
  }

  /** Refuse new actions and fail waiting ones (`KEY_SIGNER_CLOSED`); rounds in progress finish. */
  close(): void {
    this.#closed = true;
    void this.#signPool.close();
    for (const lane of this.#lanes.values()) {
      for (const w of lane.queue.splice(0)) w.resolve({ ok: false, code: 'KEY_SIGNER_CLOSED', message: 'the node is stopping' });
    }
  }

  async #run(name: string, lane: KeyLane): Promise<void> {
    lane.running = true;
    // One round signs on the workers while the next one is built here (the main thread would otherwise wait for
    // the signatures): it continues the nonces of the round in flight, and is only submitted after that one, and
    // only if it still starts at the actor's next nonce then (else its actions queue again for fresh nonces).
    let inFlight: Round | undefined;
    try {
      while (lane.queue.length > 0 || inFlight !== undefined) {
        if (lane.queue.length === 0) {
          await this.#finish(inFlight!, lane);
          inFlight = undefined;
          continue;
        }
        let key: UnlockedKey;
        try {
          key = await this.#deps.keys.unlock(name);
        } catch (err) {
          if (inFlight !== undefined) {
            await this.#finish(inFlight, lane);
            inFlight = undefined;
          }
          const e = err instanceof ChainNodeError ? err : new ChainNodeError('KEY_UNAVAILABLE', (err as Error).message);
          for (const w of lane.queue.splice(0)) w.resolve({ ok: false, code: e.code, message: e.message });
          break;
        }
        const room = this.#room(key.publicKeyHex) - (inFlight?.slots.length ?? 0);
        if (room <= 0) {
          if (inFlight !== undefined) {
            await this.#finish(inFlight, lane);
            inFlight = undefined;
            continue;
          }
          this.#expire(lane, key.publicKeyHex);
          if (lane.queue.length > 0) await new Promise((r) => setTimeout(r, ROOM_POLL_MS));
          continue;
        }
        const batch = lane.queue.splice(0, Math.min(room, this.#options.maxRound));
        const first = inFlight?.next ?? (await this.#nextNonce(key));
        const next = this.#prepare(key, batch, first);
        if (inFlight !== undefined && !(await this.#finish(inFlight, lane))) {
          // The round in flight went back to the queue: this one follows it there, in order.
          lane.queue.splice(inFlight.slots.length, 0, ...next.slots);
          inFlight = undefined;
          continue;
        }
        inFlight = next;
      }
    } catch (err) {
      this.#deps.logger?.error({ err, key: name }, 'signing lane failed');
      for (const w of [...(inFlight?.slots ?? []), ...lane.queue.splice(0)]) w.resolve({ ok: false, code: 'INTERNAL_ERROR', message: 'signing failed' });
    } finally {
      lane.running = false;
    }
  }

  /** The actor's next nonce: past its ready run in the pool, else the chain's. */
  async #nextNonce(key: UnlockedKey): Promise<number> {
    return this.#deps.mempool.actorState(key.publicKeyHex)?.readyEnd ?? (await this.#deps.nextNonce(key.publicKey));
  }

  #room(actor: string): number {
    const p = this.#deps.mempool;
    const held = p.actorState(actor)?.count ?? 0;
    return Math.min(p.options.maxPerActor - held, p.options.maxCount - p.size);
  }

  #expire(lane: KeyLane, actor: string): void {
    const now = this.#now();
    const keep: Waiting[] = [];
    const p = this.#deps.mempool;
    const actorFull = (p.actorState(actor)?.count ?? 0) >= p.options.maxPerActor;
    for (const w of lane.queue) {
      if (w.deadline > now) keep.push(w);
      else if (actorFull)
        w.resolve({
          ok: false,
          code: 'MEMPOOL_ACTOR_LIMIT',
          message: `actor ${actor} already has the most pending transactions the pool holds; waited ${this.#options.waitMs} ms for blocks`,
        });
      else w.resolve({ ok: false, code: 'MEMPOOL_FULL', message: `the mempool is full; waited ${this.#options.waitMs} ms for blocks` });
    }
    lane.queue = keep;
  }

  /** Encode `batch` from nonce `first` on (refusing bad actions before they take a nonce) and start signing it. */
  #prepare(key: UnlockedKey, batch: Waiting[], first: number): Round {
    const { chainId } = this.#deps;
    const bodies: Uint8Array[] = [];
    const hashes: Uint8Array[] = [];
    const slots: Waiting[] = [];
    let nonce = first;
    const time = this.#now();
    for (const w of batch) {
      try {
        const b = actionBody({ ...w.action, time }, key.publicKey, chainId, nonce);
        // Encoded once with a blank signature (its exact size is known before a nonce is spent), signed in place;
        // the signing hash is taken from those bytes (the body without its sig entry), not from a second encoding.
        const enc = encodeCbor({ ...b, sig: new Uint8Array(64) });
        if (enc.length > this.#options.maxTxBytes)
          throw new ChainNodeError('TX_OVERSIZED', `the signed action would be ${enc.length} bytes (most ${this.#options.maxTxBytes})`);
        const hash = signingHashFromSigned(enc);
        if (hash === undefined) throw new ChainNodeError('KEY_SIGNER_FAULT', 'a signed action did not encode as expected');
        bodies.push(enc);
        hashes.push(hash);
        slots.push(w);
        nonce++;
      } catch (err) {
        // Refused before taking a nonce: the next action gets this one.
        const e = err instanceof ChainNodeError ? err : new ChainNodeError('TX_BAD_PAYLOAD', (err as Error).message);
        w.resolve({ ok: false, code: e.code, message: e.message });
      }
    }
    const sigs = slots.length === 0 ? Promise.resolve([]) : this.#signPool.sign(key.secretKey, hashes);
    // Settled here too: a round whose predecessor failed is never awaited, and its rejection is no crash.
    sigs.catch(() => undefined);
    return { key, first, next: nonce, bodies, slots, sigs };
  }

  /**
   * Submit a signed round if it still starts at the actor's next nonce; else its actions queue again, in front,
   * and it answers false.
   */
  async #finish(round: Round, lane: KeyLane): Promise<boolean> {
    const { key, bodies, slots } = round;
    if (slots.length === 0) return true;
    const { mempool } = this.#deps;
    let sigs: Uint8Array[];
    try {
      sigs = await round.sigs;
    } catch (err) {
      const e = err instanceof ChainNodeError ? err : new ChainNodeError('KEY_SIGNER_FAULT', (err as Error).message);
      for (const w of slots) w.resolve({ ok: false, code: e.code, message: e.message });
      return true;
    }
    // The round before this one was refused in part, or a block or reorg moved the actor's nonce meanwhile.
    if ((await this.#nextNonce(key)) !== round.first) {
      if (this.#closed) for (const w of slots) w.resolve({ ok: false, code: 'KEY_SIGNER_CLOSED', message: 'the node is stopping' });
      else lane.queue.unshift(...slots);
      return this.#closed;
    }
    const txs: Transaction[] = [];
    const sources: (string | undefined)[] = [];
    for (let i = 0; i < bodies.length; i++) {
      // Canonical key order puts "sig" right after "v": map head, "v" 1, then "sig" and its 64 bytes at offset 10.
      const enc = bodies[i]!;
      enc.set(sigs[i]!, SIG_OFFSET);
      const tx = Transaction.decode(enc, { maxBytes: this.#options.maxTxBytes });
      if (Buffer.compare(tx.fields.sig, sigs[i]!) !== 0) {
        for (const w of slots) w.resolve({ ok: false, code: 'KEY_SIGNER_FAULT', message: 'a signed action did not encode as expected; nothing was submitted' });
        return true;
      }
      txs.push(tx);
      sources.push(slots[i]!.source);
    }
    // The pool skips re-verifying what was just signed; one signature per round is checked here instead, so a
    // faulty signer is caught before it can send a peer a bad signature (peers ban for those).
    const probe = txs[0]!;
    if (!this.#verifier.verify(probe.fields.sig, probe.sigHash, probe.fields.from)) {
      this.#deps.logger?.error({ key: key.name, signer: this.#signPool.signerName }, 'a signature made here does not verify: refusing to submit');
      for (const w of slots)
        w.resolve({ ok: false, code: 'KEY_SIGNER_FAULT', message: 'the node produced a signature that does not verify; nothing was submitted' });
      return true;
    }
    const added = await mempool.addSigned(txs, sources);
    const failed = added.findIndex((r) => !r.ok && r.code !== 'TX_DUPLICATE');
    if (failed >= 0) {
      const f = added[failed] as Extract<AddResult, { ok: false }>;
      // Withdraw what was accepted after the refused one: it would wait on a nonce that never comes.
      const dropped = mempool.dropActorFrom(key.publicKeyHex, txs[failed]!.fields.nonce + 1);
      this.#deps.logger?.warn({ key: key.name, code: f.code, withdrawn: dropped }, 'the pool refused a signed action; later ones of its round withdrawn');
      slots.forEach((w, i) => {
        if (i < failed) w.resolve({ ok: true, txid: txs[i]!.txidHex, nonce: txs[i]!.fields.nonce, time: txs[i]!.fields.time });
        else if (i === failed) w.resolve({ ok: false, code: f.code, message: f.error.message });
        else w.resolve({ ok: false, code: f.code, message: `not submitted: an earlier action of key '${key.name}' in the same round was refused (${f.code})` });
      });
      return true;
    }
    slots.forEach((w, i) => w.resolve({ ok: true, txid: txs[i]!.txidHex, nonce: txs[i]!.fields.nonce, time: txs[i]!.fields.time }));
    return true;
  }
}
