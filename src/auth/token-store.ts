import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmod, open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ChainNodeError } from '../errors.js';
import { PRIVATE_FILE_MODE } from '../private-files.js';
import { AuthError } from './errors.js';
import { parseScopes, type Scope } from './scopes.js';

/** File in the data directory holding the API tokens (hashes only, mode 0600). */
export const TOKENS_FILE = 'api-tokens.json';

/** Prefix of every API token, so secret scanners and people recognise one (as GitHub's `ghp_`). */
export const TOKEN_PREFIX = 'cnt_';

const TOKEN_FORMAT = /^cnt_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

/** What the node keeps of a token (never its secret). */
export interface TokenRecord {
  id: string;
  name: string;
  scopes: Scope[];
  /** ms since the epoch. */
  createdAt: number;
  /** ms since the epoch; null = never expires. */
  expiresAt: number | null;
  /** Requests per minute for this token; null = api.tokenRateLimitPerMinute. */
  rateLimitPerMinute: number | null;
  /** ms since the epoch; null = in force. */
  revokedAt: number | null;
  /** SHA-256 (hex) of the whole token string. */
  hash: string;
}

/** A token as listed: its record without the hash. */
export type TokenInfo = Omit<TokenRecord, 'hash'>;

/** What creating a token takes. */
export interface TokenSpec {
  name?: string;
  scopes: readonly string[];
  /** Lifetime in seconds; absent = never expires. */
  expiresInSeconds?: number;
  rateLimitPerMinute?: number;
}

function sha256Hex(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

/**
 * API tokens of one node, kept in `<datadir>/api-tokens.json` as SHA-256 hashes of high-entropy secrets (a hash
 * of 256 random bits needs no slow KDF). Revoked tokens stay listed (with `revokedAt`) so presenting one answers
 * AUTH_REVOKED rather than AUTH_INVALID. Writes are serialised and atomic (temporary file renamed over).
 */
export class TokenStore {
  readonly #path: string;
  readonly #now: () => number;
  readonly #byId = new Map<string, TokenRecord>();
  #writing: Promise<void> = Promise.resolve();

  private constructor(path: string, now: () => number) {
    this.#path = path;
    this.#now = now;
  }

  /** Open the store at `path` (a missing file is an empty store); throws TOKEN_STORE_CORRUPT on a damaged file. */
  static async open(options: { path: string }, deps: { now?: () => number } = {}): Promise<TokenStore> {
    const store = new TokenStore(options.path, deps.now ?? Date.now);
    let text: string;
    try {
      text = await readFile(options.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return store;
      throw new ChainNodeError('TOKEN_STORE_UNREADABLE', `cannot read ${options.path}: ${(err as Error).message}`, { cause: err });
    }
    try {
      const doc = JSON.parse(text) as { tokens?: unknown };
      if (!Array.isArray(doc.tokens)) throw new Error('no tokens list');
      for (const r of doc.tokens as TokenRecord[]) {
        if (typeof r.id !== 'string' || typeof r.hash !== 'string' || !Array.isArray(r.scopes)) throw new Error(`bad entry ${JSON.stringify(r).slice(0, 80)}`);
        store.#byId.set(r.id, { ...r, scopes: parseScopes(r.scopes) });
      }
    } catch (err) {
      throw new ChainNodeError(
        'TOKEN_STORE_CORRUPT',
        `${options.path} is damaged (${(err as Error).message}); restore it or move it away (every API token is then lost)`,
        { cause: err },
      );
    }
    return store;
  }

  /** Create a token; the returned `token` string is the only time its secret exists outside the client. */
  async create(spec: TokenSpec): Promise<{ token: string; info: TokenInfo }> {
    const scopes = parseScopes(spec.scopes);
    const exp = spec.expiresInSeconds;
    if (exp !== undefined && (!Number.isInteger(exp) || exp <= 0)) throw new AuthError('TOKEN_BAD_REQUEST', 'expiresInSeconds must be a positive integer');
    const limit = spec.rateLimitPerMinute;
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 0))
      throw new AuthError('TOKEN_BAD_REQUEST', 'rateLimitPerMinute must be an integer >= 0 (0 = unlimited)');
    const id = randomBytes(8).toString('hex');
    const token = `${TOKEN_PREFIX}${id}_${randomBytes(32).toString('base64url')}`;
    const now = this.#now();
    const rec: TokenRecord = {
      id,
      name: spec.name ?? '',
      scopes,
      createdAt: now,
      expiresAt: exp === undefined ? null : now + exp * 1000,
      rateLimitPerMinute: limit ?? null,
      revokedAt: null,
      hash: sha256Hex(token),
    };
    this.#byId.set(id, rec);
    await this.#save();
    return { token, info: info(rec) };
  }

  /** Every token (revoked and expired ones included), oldest first. */
  list(): TokenInfo[] {
    return [...this.#byId.values()].sort((a, b) => a.createdAt - b.createdAt).map(info);
  }

  /** Revoke a token by id (idempotent); throws TOKEN_NOT_FOUND. */
  async revoke(id: string): Promise<TokenInfo> {
    const rec = this.#byId.get(id);
    if (rec === undefined) throw new AuthError('TOKEN_NOT_FOUND', `no API token with id ${id}`);
    if (rec.revokedAt === null) {
      rec.revokedAt = this.#now();
      await this.#save();
    }
    return info(rec);
  }

  /** Whether `s` has the shape of one of this node's tokens (else it may be a JWT or the cookie token). */
  static looksLikeToken(s: string): boolean {
    return s.startsWith(TOKEN_PREFIX);
  }

  /** The token's record when it is valid now; throws AUTH_INVALID, AUTH_REVOKED or AUTH_EXPIRED. */
  verify(token: string): TokenInfo {
    const m = TOKEN_FORMAT.exec(token);
    const rec = m === null ? undefined : this.#byId.get(m[1]);
    // Compare hashes in constant time even for an unknown id, so timing says nothing about which ids exist.
    const expected = Buffer.from(rec?.hash ?? '0'.repeat(64), 'hex');
    const ok = timingSafeEqual(Buffer.from(sha256Hex(token), 'hex'), expected) && rec !== undefined;
    if (!ok || rec === undefined) throw new AuthError('AUTH_INVALID', 'unknown API token');
    if (rec.revokedAt !== null) throw new AuthError('AUTH_REVOKED', `API token ${rec.id} was revoked`);
    if (rec.expiresAt !== null && this.#now() >= rec.expiresAt)
      throw new AuthError('AUTH_EXPIRED', `API token ${rec.id} expired at ${new Date(rec.expiresAt).toISOString()}`);
    return info(rec);
  }

  #save(): Promise<void> {
    const text = `${JSON.stringify({ tokens: [...this.#byId.values()] }, null, 1)}\n`;
    const next = this.#writing
      .then(() => writeDurably(this.#path, text))
      .catch((err: unknown) => {
        throw new AuthError('TOKEN_STORE_WRITE_FAILED', `cannot write ${this.#path} (${(err as Error).message}); the token change is not saved`, {
          cause: err,
        });
      });
    this.#writing = next.catch(() => undefined);
    return next;
  }
}

/**
 * Write a 0600 file atomically and durably: temporary file fsynced, renamed over the target, directory fsynced,
 * so a revocation acknowledged to the client survives a power loss.
 */
async function writeDurably(path: string, text: string): Promise<void> {
  const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const f = await open(tmp, 'wx', PRIVATE_FILE_MODE);
    try {
      await f.writeFile(text);
      await f.sync();
    } finally {
      await f.close();
    }
    await chmod(tmp, PRIVATE_FILE_MODE);
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  const d = await open(dirname(path), 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}

function info(r: TokenRecord): TokenInfo {
  const { hash: _hash, ...rest } = r;
  return { ...rest, scopes: [...rest.scopes] };
}
