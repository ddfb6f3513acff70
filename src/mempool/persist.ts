import { createHash, randomBytes } from 'node:crypto';
import { open, readFile, rename } from 'node:fs/promises';
import type { Logger } from 'pino';
import { Transaction } from '../primitives/transaction.js';
import type { Mempool } from './mempool.js';

/** File in the data directory holding the pending transactions across a restart. */
export const MEMPOOL_FILE = 'mempool.dat';

// Layout: magic (8) | count u32 LE | count x (length u32 LE | encoded tx) | SHA-256 of everything before it.
const MAGIC = Buffer.from('CNMPOOL1', 'latin1');
const CHUNK = 5000;

/** Outcome of {@link loadMempool}. */
export interface MempoolLoadResult {
  /** Transactions in the file. */
  read: number;
  /** Back in the pool. */
  accepted: number;
  /** Refused now (mined meanwhile, expired nonce, ...), by code. */
  rejected: Record<string, number>;
}

/**
 * Write every pending transaction to `path` (atomically: a temp file renamed into place, fsynced first). Called
 * periodically by {@link MempoolSaver} and on shutdown, after the API and the miner stopped, so every transaction
 * the API acknowledged is either in a block or here.
 */
export async function saveMempool(mempool: Mempool, path: string): Promise<number> {
  // One pass over the encodings (no decoding), copied into one buffer: cheap enough to run every few seconds.
  const txs = mempool.listEncoded(Number.MAX_SAFE_INTEGER).txs;
  let size = MAGIC.length + 4;
  for (const tx of txs) size += 4 + tx.bytes.byteLength;
  const body = Buffer.allocUnsafe(size);
  MAGIC.copy(body, 0);
  body.writeUInt32LE(txs.length, MAGIC.length);
  let o = MAGIC.length + 4;
  for (const tx of txs) {
    body.writeUInt32LE(tx.bytes.byteLength, o);
    body.set(tx.bytes, o + 4);
    o += 4 + tx.bytes.byteLength;
  }
  const count = txs.length;
  const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  const fh = await open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(Buffer.concat([body, createHash('sha256').update(body).digest()]));
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
  return count;
}

/** Parse a mempool file; throws on a bad magic, checksum or framing. */
export function parseMempoolFile(data: Buffer): Uint8Array[] {
  if (data.length < MAGIC.length + 4 + 32 || !data.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error('not a mempool file');
  const body = data.subarray(0, data.length - 32);
  if (
    !createHash('sha256')
      .update(body)
      .digest()
      .equals(data.subarray(data.length - 32))
  )
    throw new Error('checksum mismatch');
  const count = body.readUInt32LE(MAGIC.length);
  const out: Uint8Array[] = [];
  let o = MAGIC.length + 4;
  for (let i = 0; i < count; i++) {
    if (o + 4 > body.length) throw new Error('truncated');
    const len = body.readUInt32LE(o);
    o += 4;
    if (o + len > body.length) throw new Error('truncated');
    out.push(new Uint8Array(body.subarray(o, o + len)));
    o += len;
  }
  if (o !== body.length) throw new Error('trailing bytes');
  return out;
}

/**
 * Re-add the transactions saved by {@link saveMempool} (each actor's in nonce order, through the normal checks,
 * so those mined meanwhile are dropped). The file stays until the next save replaces it, so a crash right after
 * a start loses nothing. A missing file is not an error; an unreadable one is logged and set aside as `<path>.bad`.
 */
export async function loadMempool(mempool: Mempool, path: string, options: { maxTxBytes: number; logger?: Logger }): Promise<MempoolLoadResult> {
  const result: MempoolLoadResult = { read: 0, accepted: 0, rejected: {} };
  let data: Buffer;
  try {
    data = await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return result;
    throw err;
  }
  let encoded: Uint8Array[];
  try {
    encoded = parseMempoolFile(data);
  } catch (err) {
    options.logger?.warn({ path, err: (err as Error).message }, 'ignoring unreadable mempool file');
    await rename(path, `${path}.bad`).catch(() => undefined);
    return result;
  }
  const keyed: Array<{ key: string; tx: Transaction }> = [];
  for (const bytes of encoded) {
    try {
      const tx = Transaction.decode(bytes, { maxBytes: options.maxTxBytes });
      keyed.push({ key: tx.fromHex, tx });
    } catch {
      result.rejected.DECODE = (result.rejected.DECODE ?? 0) + 1;
    }
  }
  result.read = encoded.length;
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.tx.fields.nonce - b.tx.fields.nonce));
  const txs = keyed.map((k) => k.tx);
  for (let i = 0; i < txs.length; i += CHUNK) {
    for (const r of await mempool.addMany(txs.slice(i, i + CHUNK))) {
      if (r.ok) result.accepted++;
      else result.rejected[r.code] = (result.rejected[r.code] ?? 0) + 1;
    }
  }
  options.logger?.info({ read: result.read, accepted: result.accepted, rejected: result.rejected }, 'mempool restored');
  return result;
}

/** Options of {@link MempoolSaver}. */
export interface MempoolSaverOptions {
  path: string;
  /** Save a changed pool this often (ms); 0 = only when asked (on stop). */
  intervalMs: number;
}

/** Default save interval (the `mempool.saveIntervalMs` config key's default): the most a `kill -9` loses. */
export const MEMPOOL_SAVE_DEFAULTS = { intervalMs: 5_000 } as const;

/**
 * Keeps `mempool.dat` at most `intervalMs` behind the pool: a `kill -9` loses at most the transactions accepted in
 * the last interval. Saves never overlap; {@link MempoolSaver.save} can be called any time (shutdown, signals).
 */
export class MempoolSaver {
  readonly #o: MempoolSaverOptions;
  readonly #mempool: Mempool;
  readonly #log: Logger | undefined;
  #dirty = true;
  #timer: NodeJS.Timeout | undefined;
  #chain: Promise<unknown> = Promise.resolve();
  readonly #onChange = (): void => {
    this.#dirty = true;
  };

  constructor(options: MempoolSaverOptions, deps: { mempool: Mempool; logger?: Logger }) {
    this.#o = options;
    this.#mempool = deps.mempool;
    this.#log = deps.logger;
  }

  /** Follow the pool's changes and save on the interval. */
  start(): void {
    this.#mempool.on('tx:added', this.#onChange);
    this.#mempool.on('tx:removed', this.#onChange);
    if (this.#o.intervalMs > 0) {
      this.#timer = setInterval(() => {
        if (this.#dirty) void this.save().catch((err: unknown) => this.#log?.error({ err, file: this.#o.path }, 'periodic mempool save failed'));
      }, this.#o.intervalMs);
      this.#timer.unref();
    }
  }

  /** Save now (after any save in progress); resolves the number of transactions written. */
  save(): Promise<number> {
    const run = this.#chain.then(async () => {
      this.#dirty = false;
      try {
        return await saveMempool(this.#mempool, this.#o.path);
      } catch (err) {
        this.#dirty = true;
        throw err;
      }
    });
    this.#chain = run.catch(() => undefined);
    return run;
  }

  /** Stop following the pool (the caller makes the final save). */
  stop(): void {
    clearInterval(this.#timer);
    this.#mempool.off('tx:added', this.#onChange);
    this.#mempool.off('tx:removed', this.#onChange);
  }
}
