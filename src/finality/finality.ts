import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { type Chain } from '../chain/chain.js';
import { type TreeNode } from '../chain/block-tree.js';
import { verifyConsistency } from '../crypto/merkle.js';
import { ChainNodeError, Penalty } from '../errors.js';
import { formatCheckpoint, parseCheckpoint, type Checkpoint } from '../log/checkpoint.js';
import {
  decodeBase64Strict,
  encodeBase64,
  formatNote,
  keyIdHex,
  parseNote,
  signText,
  verifyNoteSignature,
  type NoteSignature,
  type NoteSigner,
  type NoteVerifier,
} from '../log/note.js';
import { bytesEqual } from '../util/bytes.js';
import { anchorRecordProof, type AnchoredRecordProof } from '../consensus/anchored-proof.js';
import { type RecordProof } from '../consensus/record-proof.js';
import { readFinalityState, writeFinalityState, type FinalityState } from './state-file.js';

/** Options of the finality engine (SPEC 12). */
export interface FinalityOptions {
  /** The header log's origin line, `chain-node/<network>/<genesis hash>`. */
  origin: string;
  /** The witness set (verifier keys). */
  witnesses: readonly NoteVerifier[];
  /** Signatures from the set that make a checkpoint final. */
  threshold: number;
  /** A witness signs the checkpoint of size `tip height + 1 - depth`. */
  depth: number;
  /** Path of the persisted state (last signed checkpoint, latest final checkpoint). */
  statePath: string;
  /** Checkpoints whose signatures are collected at once (the oldest are dropped). */
  maxCollected?: number;
}

/** Dependencies of the finality engine. */
export interface FinalityDependencies {
  chain: Chain;
  /** This node's witness key, when it is in the witness set. */
  signer?: NoteSigner;
  logger?: Logger;
  now?: () => number;
}

/** A final checkpoint and the block it ends at. */
export interface FinalCheckpoint {
  size: number;
  root: Uint8Array;
  /** The checkpoint text (three lines). */
  text: string;
  /** The signed note with every signature known when it became final. */
  note: string;
  signers: string[];
  /** When this node learnt it was final (ms). */
  at: number;
  height: number;
  blockHash: string;
}

/** Events of the finality engine. */
export interface FinalityEvents {
  /** This witness signed a checkpoint: the one-signature note to gossip. */
  signed: [string];
  final: [FinalCheckpoint];
  /** A final checkpoint's branch is not stored here: fetch it from peers (size and root of the checkpoint). */
  missing: [{ size: number; root: Uint8Array }];
  /** The witness stopped signing (its chain is inconsistent with its last signature). */
  halted: [string];
}

interface Collected {
  cp: Checkpoint;
  text: string;
  sigs: Map<string, NoteSignature>;
}

/** Default bound of collected checkpoints. */
export const FINALITY_DEFAULTS = { maxCollected: 64 } as const;

/**
 * Witnessing and finality (SPEC 12). As a witness it signs the checkpoint `depth` blocks below the tip, never one
 * that is not an append-only extension of the last one it signed (persisted before the signature leaves), and
 * halts loudly when its chain contradicts that signature. It collects signatures per checkpoint (bounded), and a
 * checkpoint with `threshold` valid signatures from the set becomes final: persisted, and the chain never
 * reorganises below it.
 */
export class Finality extends EventEmitter<FinalityEvents> {
  readonly options: FinalityOptions;
  readonly #deps: FinalityDependencies;
  readonly #log: Logger | undefined;
  readonly #collected = new Map<string, Collected>();
  #state: FinalityState = {};
  #latest: FinalCheckpoint | undefined;
  #work: Promise<unknown> = Promise.resolve();
  #signQueued = false;
  // A final checkpoint whose branch this node does not have (yet): retried as blocks arrive.
  #pending: Collected | undefined;
  signaturesMade = 0;

  private constructor(options: FinalityOptions, deps: FinalityDependencies) {
    super();
    this.options = options;
    this.#deps = deps;
    this.#log = deps.logger?.child({ module: 'finality' });
  }

  /** Load the persisted state and re-apply the latest final checkpoint to the chain. */
  static async open(options: FinalityOptions, deps: FinalityDependencies): Promise<Finality> {
    const f = new Finality(options, deps);
    f.#state = await readFinalityState(options.statePath);
    if (f.#state.final !== undefined) {
      try {
        await f.#ingest(f.#state.final.note, { persisted: f.#state.final.at });
      } catch (err) {
        f.#log?.warn({ err: (err as Error).message }, 'persisted final checkpoint no longer verifies against the witness set');
      }
    }
    return f;
  }

  /** This node's witness verifier key, if it has one. */
  get witnessKey(): string | undefined {
    return this.#deps.signer?.vkey;
  }

  /** True when this node signs checkpoints. */
  get isWitness(): boolean {
    const s = this.#deps.signer;
    return s !== undefined && this.options.witnesses.some((w) => w.name === s.name && w.keyId === s.keyId);
  }

  /** The latest final checkpoint. */
  get latestFinal(): FinalCheckpoint | undefined {
    return this.#latest;
  }

  /** Why this witness stopped signing, if it did. */
  get halted(): string | undefined {
    return this.#state.halted;
  }

  /** The last checkpoint this witness signed. */
  get lastSigned(): { size: number; root: string } | undefined {
    return this.#state.lastSigned;
  }

  /** The chain changed: sign the checkpoint due (coalesced; runs after queued work). */
  tipChanged(): void {
    this.retryPending();
    if (!this.isWitness || this.#signQueued) return;
    this.#signQueued = true;
    this.#enqueue(async () => {
      this.#signQueued = false;
      await this.#sign();
    }).catch((err: unknown) => this.#log?.error({ err: (err as Error).message }, 'signing failed'));
  }

  /** Try again to follow a final checkpoint whose branch was missing (call when blocks arrive). */
  retryPending(): void {
    const p = this.#pending;
    if (p === undefined) return;
    this.#enqueue(() => this.#maybeFinal(p.text, undefined)).catch((err: unknown) =>
      this.#log?.error({ err: (err as Error).message }, 'following a final checkpoint failed'),
    );
  }

  /** Wait for queued signing and ingestion. */
  async idle(): Promise<void> {
    await this.#work;
  }

  /**
   * Take cosignatures from a signed note (gossip or API). Signatures by keys outside the set are ignored; a bad
   * signature by a set member, a malformed note or another log's checkpoint throws (with a penalty for the
   * sender). Returns how many new valid signatures were added.
   */
  async addCosignatures(note: string | Uint8Array): Promise<number> {
    return this.#enqueue(() => this.#ingest(note, {}));
  }

  #enqueue<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#work.then(fn);
    this.#work = run.catch(() => undefined);
    return run;
  }

  async #ingest(noteIn: string | Uint8Array, opts: { persisted?: number }): Promise<number> {
    const note = parseNote(noteIn);
    const cp = parseCheckpoint(note.text);
    if (cp.origin !== this.options.origin)
      throw new ChainNodeError('CHECKPOINT_WRONG_LOG', `checkpoint of log '${cp.origin}', not '${this.options.origin}'`, { penalty: Penalty.low });
    if (cp.extensions.length > 0) throw new ChainNodeError('CHECKPOINT_MALFORMED', 'checkpoint has extension lines', { penalty: Penalty.high });
    if (cp.size === 0) throw new ChainNodeError('CHECKPOINT_MALFORMED', 'empty checkpoint', { penalty: Penalty.high });
    let added = 0;
    for (const sig of note.sigs) {
      const v = this.options.witnesses.find((w) => w.name === sig.name && w.keyId === sig.keyId);
      if (v === undefined) continue;
      if (!verifyNoteSignature(note.text, sig, v)) {
        throw new ChainNodeError('CHECKPOINT_BAD_SIGNATURE', `invalid signature by witness ${sig.name}+${keyIdHex(sig.keyId)}`, { penalty: Penalty.ban });
      }
      if (this.#collect(note.text, cp, sig)) added++;
    }
    await this.#maybeFinal(note.text, opts.persisted);
    return added;
  }

  #collect(text: string, cp: Checkpoint, sig: NoteSignature): boolean {
    if (this.#latest !== undefined && cp.size <= this.#latest.size && text !== this.#latest.text) return false;
    let entry = this.#collected.get(text);
    if (entry === undefined) {
      const max = this.options.maxCollected ?? FINALITY_DEFAULTS.maxCollected;
      if (this.#collected.size >= max) {
        let oldest: string | undefined;
        for (const [k, e] of this.#collected) if (oldest === undefined || e.cp.size < this.#collected.get(oldest)!.cp.size) oldest = k;
        if (oldest !== undefined && this.#collected.get(oldest)!.cp.size >= cp.size) return false;
        if (oldest !== undefined) this.#collected.delete(oldest);
      }
      entry = { cp, text, sigs: new Map() };
      this.#collected.set(text, entry);
    }
    const key = `${sig.name}+${sig.keyId}`;
    if (entry.sigs.has(key)) return false;
    entry.sigs.set(key, sig);
    if (this.#latest !== undefined && text === this.#latest.text) this.#latest.note = formatNote({ text, sigs: [...entry.sigs.values()] });
    return true;
  }

  async #maybeFinal(text: string, persistedAt: number | undefined): Promise<void> {
    const entry = this.#collected.get(text) ?? (this.#pending?.text === text ? this.#pending : undefined);
    if (entry === undefined || entry.sigs.size < this.options.threshold) return;
    if (this.#latest !== undefined && entry.cp.size <= this.#latest.size) return;
    const chain = this.#deps.chain;
    const log = chain.headerLog;
    const onMain = async (): Promise<boolean> => entry.cp.size <= log.size && bytesEqual(await log.rootAt(entry.cp.size), entry.cp.root);
    if (!(await onMain())) {
      // Not on our main chain: follow it if its branch is stored (else keep it pending until the branch arrives).
      const branch = await this.#findBranch(entry.cp);
      this.#log?.debug({ branch: branch?.height, cands: chain.tree.nodesAtHeight(entry.cp.size - 1).length }, 'final checkpoint branch search');
      if (branch === undefined || !(await chain.adoptFinal(branch)) || !(await onMain())) {
        if (this.#pending?.text !== text)
          this.#log?.warn({ size: entry.cp.size, localSize: log.size }, 'a final checkpoint is not on this node\u2019s chain (its branch is not stored)');
        this.#pending = entry;
        this.emit('missing', { size: entry.cp.size, root: entry.cp.root });
        return;
      }
    }
    if (this.#pending !== undefined && this.#pending.cp.size <= entry.cp.size) this.#pending = undefined;
    if (this.#latest !== undefined) {
      const proof = await log.consistencyProof(this.#latest.size, entry.cp.size);
      if (!verifyConsistency(this.#latest.size, entry.cp.size, this.#latest.root, entry.cp.root, proof)) {
        this.#log?.fatal({ size: entry.cp.size }, 'two conflicting checkpoints are final: the witness set is compromised');
        return;
      }
    }
    const node: TreeNode = chain.tree.atHeight(entry.cp.size - 1)!;
    chain.setFinal(node);
    const at = persistedAt ?? (this.#deps.now ?? Date.now)();
    const sigs = [...entry.sigs.values()];
    this.#latest = {
      size: entry.cp.size,
      root: entry.cp.root,
      text,
      note: formatNote({ text, sigs }),
      signers: sigs.map((s) => s.name),
      at,
      height: node.height,
      blockHash: node.header.hashHex,
    };
    const mine = this.#deps.signer;
    if (this.#state.halted !== undefined && mine !== undefined && !sigs.some((s) => s.name === mine.name && s.keyId === mine.keyId)) {
      // SPEC 12: resume on the branch of a checkpoint final without our signature, never signing the old branch.
      this.#log?.warn({ size: entry.cp.size }, 'witness resumes signing on the final branch');
      delete this.#state.halted;
      this.#state.lastSigned = { size: entry.cp.size, root: encodeBase64(entry.cp.root) };
    }
    if (persistedAt === undefined) {
      this.#state.final = { note: this.#latest.note, at };
      await writeFinalityState(this.options.statePath, this.#state);
      this.#log?.info({ size: entry.cp.size, height: node.height, signers: this.#latest.signers.length }, 'checkpoint final');
    }
    for (const [k, e] of this.#collected) if (e.cp.size <= entry.cp.size && k !== text) this.#collected.delete(k);
    this.emit('final', this.#latest);
  }

  // A stored block at the checkpoint's last height whose branch's log has the checkpoint's root.
  async #findBranch(cp: Checkpoint): Promise<TreeNode | undefined> {
    const chain = this.#deps.chain;
    for (const cand of chain.tree.nodesAtHeight(cp.size - 1)) {
      if (chain.tree.isMain(cand)) continue;
      const fork = chain.tree.fork(chain.tip, cand);
      if (fork === undefined || fork.height + 1 > chain.headerLog.size) continue;
      const headers = [];
      for (let n: TreeNode | undefined = cand; n !== undefined && n !== fork; n = n.parent) headers.unshift(n.header);
      if (bytesEqual(await chain.headerLog.rootWithBranch(fork.height + 1, headers), cp.root)) return cand;
    }
    return undefined;
  }

  async #sign(): Promise<void> {
    const signer = this.#deps.signer!;
    if (this.#state.halted !== undefined) return;
    const chain = this.#deps.chain;
    const log = chain.headerLog;
    const size = chain.height + 1 - this.options.depth;
    const last = this.#state.lastSigned;
    if (size < 1 || (last !== undefined && size <= last.size)) return;
    const root = await log.rootAt(size);
    if (last !== undefined) {
      const lastRoot = decodeBase64Strict(last.root);
      const proof = last.size <= log.size ? await log.consistencyProof(last.size, size) : [];
      if (lastRoot === null || last.size > log.size || !verifyConsistency(last.size, size, lastRoot, root, proof)) {
        const why = `this node's chain is not an extension of checkpoint ${last.size} it signed; witness signing stopped until a checkpoint is final without it`;
        this.#state.halted = why;
        await writeFinalityState(this.options.statePath, this.#state);
        this.#log?.error({ lastSigned: last.size, size }, why);
        this.emit('halted', why);
        return;
      }
    }
    const text = formatCheckpoint({ origin: this.options.origin, size, root, extensions: [] });
    const sig = signText(text, signer);
    // Remembered on disk before the signature can leave this node.
    this.#state.lastSigned = { size, root: encodeBase64(root) };
    await writeFinalityState(this.options.statePath, this.#state);
    this.signaturesMade++;
    const cp = { origin: this.options.origin, size, root, extensions: [] };
    this.#collect(text, cp, sig);
    await this.#maybeFinal(text, undefined);
    this.emit('signed', formatNote({ text, sigs: [sig] }));
  }

  /**
   * Anchor a record proof (SPEC 12, version 2) to the latest final checkpoint when it covers the proof's block;
   * else return it unchanged (version 1: not final yet).
   */
  async anchor(proof: RecordProof): Promise<RecordProof | AnchoredRecordProof> {
    const f = this.#latest;
    if (f === undefined || proof.height >= f.size) return proof;
    const incl = await this.#deps.chain.headerLog.inclusionProof(proof.height, f.size);
    return anchorRecordProof(proof, { headerPath: incl.path, checkpoint: f.note });
  }

  /** Checkpoints whose signatures are being collected. */
  get collectedCount(): number {
    return this.#collected.size;
  }

  /** The note of the latest final checkpoint with every signature collected for it. */
  latestNote(): string | undefined {
    return this.#latest?.note;
  }
}
