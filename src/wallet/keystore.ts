import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, readFile, readdir, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ChainNodeError } from '../errors.js';
import { generateSecretKey } from '../crypto/signature.js';
import { decryptSecretKey, encryptSecretKey, parseKeystoreJson, type KdfParams, type KeystoreFileJson } from './key-crypto.js';

export { decryptSecretKey, encryptSecretKey, parseKeystoreJson, DEFAULT_KDF, KEYSTORE_VERSION, type KdfParams, type KeystoreFileJson } from './key-crypto.js';

/** Public facts about a stored key (no passphrase needed). */
export interface KeyInfo {
  name: string;
  /** Compressed public key hex: the actor. */
  publicKey: string;
  created: string;
  /** Path of the key file. */
  file: string;
}

/** Options of a {@link Keystore}. */
export interface KeystoreOptions {
  /** scrypt cost for new keys (default N = 2^17, r = 8, p = 1). */
  kdf?: Partial<Pick<KdfParams, 'n' | 'r' | 'p'>>;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Throws `KEY_BAD_NAME` unless `name` is 1-64 characters of letters, digits, '.', '_' and '-'. */
export function checkKeyName(name: string): void {
  if (!NAME.test(name))
    throw new ChainNodeError('KEY_BAD_NAME', `bad key name '${name}': use 1-64 letters, digits, '.', '_' or '-' (not starting with '.', '_' or '-')`);
}

/** Keystore directory for a base directory: `<base>/keys`. */
export function keystoreDir(base: string): string {
  return join(base, 'keys');
}

/**
 * Keys encrypted at rest, one JSON file per key in a directory (mode 0700; files 0600): `<dir>/<name>.json`.
 * Errors: `KEY_NOT_FOUND`, `KEY_EXISTS`, `KEY_BAD_NAME`, `KEY_BAD_PASSPHRASE`, `KEY_TAMPERED`, `KEY_FILE_INVALID`.
 */
export class Keystore {
  /** Directory holding the key files. */
  readonly dir: string;
  readonly #options: KeystoreOptions;

  constructor(dir: string, options: KeystoreOptions = {}) {
    this.dir = dir;
    this.#options = options;
  }

  /** Path of a key's file. */
  path(name: string): string {
    checkKeyName(name);
    return join(this.dir, `${name}.json`);
  }

  /** Create a fresh key encrypted with `passphrase`. */
  async generate(name: string, passphrase: string): Promise<KeyInfo> {
    return this.importSecret(name, generateSecretKey(), passphrase);
  }

  /** Store an existing 32-byte secret key encrypted with `passphrase`. */
  async importSecret(name: string, secretKey: Uint8Array, passphrase: string): Promise<KeyInfo> {
    const file = this.path(name);
    await this.#assertFree(name, file);
    const json = await encryptSecretKey(secretKey, passphrase, { name, ...(this.#options.kdf === undefined ? {} : { kdf: this.#options.kdf }) });
    await this.#write(file, json);
    return { name, publicKey: json.publicKey, created: json.created, file };
  }

  /**
   * Store an exported keystore file under `name`, after checking that `passphrase` opens it (the file keeps its
   * encryption and passphrase).
   */
  async importJson(name: string, value: unknown, passphrase: string): Promise<KeyInfo> {
    const file = this.path(name);
    const json = parseKeystoreJson(value);
    await decryptSecretKey(json, passphrase);
    await this.#assertFree(name, file);
    const stored: KeystoreFileJson = { ...json, name };
    await this.#write(file, stored);
    return { name, publicKey: stored.publicKey, created: stored.created, file };
  }

  /** The key file's content (encrypted). */
  async read(name: string): Promise<KeystoreFileJson> {
    const file = this.path(name);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new ChainNodeError('KEY_NOT_FOUND', `no key named '${name}' in ${this.dir}`);
      throw new ChainNodeError('KEY_FILE_INVALID', `cannot read ${file}: ${(err as Error).message}`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new ChainNodeError('KEY_FILE_INVALID', `${file} is not JSON`);
    }
    return parseKeystoreJson(parsed);
  }

  /** True when a key file with this name exists. */
  async has(name: string): Promise<boolean> {
    try {
      await stat(this.path(name));
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
  }

  /** Public facts of one key. */
  async show(name: string): Promise<KeyInfo> {
    const j = await this.read(name);
    return { name, publicKey: j.publicKey, created: j.created, file: this.path(name) };
  }

  /** Every key, sorted by name; unreadable files are skipped. */
  async list(): Promise<KeyInfo[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const out: KeyInfo[] = [];
    for (const f of names) {
      if (!f.endsWith('.json')) continue;
      const name = f.slice(0, -5);
      if (!NAME.test(name)) continue;
      try {
        out.push(await this.show(name));
      } catch {
        // not a key file
      }
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Decrypt a key's secret. */
  async unlock(name: string, passphrase: string): Promise<Uint8Array> {
    return decryptSecretKey(await this.read(name), passphrase);
  }

  async #assertFree(name: string, file: string): Promise<void> {
    if (await this.has(name)) throw new ChainNodeError('KEY_EXISTS', `a key named '${name}' already exists (${file})`);
  }

  // Written to a private temp file, then hard-linked into place: the final name appears complete or not at all,
  // and an existing key is never overwritten (link fails with EEXIST).
  async #write(file: string, json: KeystoreFileJson): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await chmod(this.dir, 0o700);
    const tmp = join(this.dir, `.${randomBytes(8).toString('hex')}.tmp`);
    await writeFile(tmp, `${JSON.stringify(json, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    try {
      await link(tmp, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new ChainNodeError('KEY_EXISTS', `a key named '${json.name}' already exists (${file})`);
      throw err;
    } finally {
      await unlink(tmp).catch(() => undefined);
    }
  }
}
