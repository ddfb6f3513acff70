import type { Logger } from 'pino';
import { generateSecretKey } from '../crypto/signature.js';
import { ChainNodeError } from '../errors.js';
import { didOf as identityDid } from '../ident/did.js';
import { fromHex } from '../util/bytes.js';
import { Keystore, keystoreDir, type KeyInfo, type KeystoreOptions } from '../wallet/keystore.js';

/** A node-held key, decrypted. */
export interface UnlockedKey {
  name: string;
  secretKey: Uint8Array;
  publicKey: Uint8Array;
  /** Compressed public key hex: the actor. */
  publicKeyHex: string;
}

/** A key as the API shows it. */
export interface NodeKeyInfo {
  name: string;
  publicKey: string;
  did: string;
  created: string;
}

/** Options of {@link NodeKeys}. */
export interface NodeKeysOptions {
  /** The node's data directory: keys live in `<datadir>/keys` (the CLI's keystore format). */
  datadir: string;
  /** Network name, for DIDs. */
  network: string;
  /** scrypt cost of keys made by {@link NodeKeys.create} (default the keystore's). */
  kdf?: KeystoreOptions['kdf'];
}

/** Dependencies of {@link NodeKeys}. */
export interface NodeKeysDependencies {
  /** The passphrase that opens the node's keys (from a file or the environment, read by bin/); none: locked. */
  passphrase?: string;
  logger?: Logger;
}

/** The DID of an actor (src/ident/did.ts): `did:chain-node:<network>:<compressed public key hex>`. */
export function didOf(network: string, publicKeyHex: string): string {
  return identityDid(network, fromHex(publicKeyHex));
}

/**
 * Named keys held by the node, encrypted at rest in `<datadir>/keys` with one node passphrase. A key is decrypted
 * on first use and kept in memory; without a passphrase every key is locked (`KEY_LOCKED`).
 */
export class NodeKeys {
  readonly keystore: Keystore;
  readonly #options: NodeKeysOptions;
  readonly #passphrase: string | undefined;
  readonly #log: Logger | undefined;
  readonly #unlocked = new Map<string, Promise<UnlockedKey>>();
  // Key creation runs one at a time: each scrypt takes 128 MiB.
  #creating: Promise<unknown> = Promise.resolve();

  constructor(options: NodeKeysOptions, deps: NodeKeysDependencies = {}) {
    this.#options = options;
    this.keystore = new Keystore(keystoreDir(options.datadir), options.kdf === undefined ? {} : { kdf: options.kdf });
    this.#passphrase = deps.passphrase === undefined || deps.passphrase === '' ? undefined : deps.passphrase;
    this.#log = deps.logger?.child({ module: 'keys' });
  }

  /** True when the node has no passphrase: no key can sign. */
  get locked(): boolean {
    return this.#passphrase === undefined;
  }

  /** The DID of a public key on this node's network. */
  did(publicKeyHex: string): string {
    return didOf(this.#options.network, publicKeyHex);
  }

  /**
   * The decrypted key (cached after the first call). Throws `KEY_LOCKED` when the node holds no passphrase or its
   * passphrase does not open this key, `KEY_NOT_FOUND`, `KEY_BAD_NAME`, `KEY_TAMPERED`, `KEY_FILE_INVALID`.
   */
  unlock(name: string): Promise<UnlockedKey> {
    const cached = this.#unlocked.get(name);
    if (cached !== undefined) return cached;
    const pass = this.#passphrase;
    if (pass === undefined) {
      this.keystore.path(name); // KEY_BAD_NAME first
      return Promise.reject(
        new ChainNodeError('KEY_LOCKED', `key '${name}' is locked: start the node with a key passphrase (keys.passphraseFile or CHAIN_NODE_KEYS_PASSPHRASE)`),
      );
    }
    const p = (async (): Promise<UnlockedKey> => {
      const file = await this.keystore.read(name);
      let secretKey: Uint8Array;
      try {
        secretKey = await this.keystore.unlock(name, pass);
      } catch (err) {
        if (err instanceof ChainNodeError && err.code === 'KEY_BAD_PASSPHRASE') {
          throw new ChainNodeError('KEY_LOCKED', `key '${name}' is locked: the node's passphrase does not open it`);
        }
        throw err;
      }
      this.#log?.info({ key: name, actor: file.publicKey }, 'key unlocked');
      return { name, secretKey, publicKey: fromHex(file.publicKey), publicKeyHex: file.publicKey };
    })();
    this.#unlocked.set(name, p);
    // Failures are not cached: the file may appear (or be fixed) later.
    p.catch(() => this.#unlocked.delete(name));
    return p;
  }

  /** Create a new key encrypted with the node's passphrase (`KEY_LOCKED` without one, `KEY_EXISTS`). */
  async create(name: string): Promise<NodeKeyInfo> {
    this.keystore.path(name);
    const pass = this.#passphrase;
    if (pass === undefined)
      throw new ChainNodeError('KEY_LOCKED', 'cannot create keys: the node holds no key passphrase (keys.passphraseFile or CHAIN_NODE_KEYS_PASSPHRASE)');
    const secretKey = generateSecretKey();
    const run = this.#creating.then(() => this.keystore.importSecret(name, secretKey, pass));
    this.#creating = run.catch(() => undefined);
    const info = await run;
    this.#log?.info({ key: name, actor: info.publicKey }, 'key created');
    // Held unlocked from here: its first signature does not wait for a decryption (~0.4 s of scrypt) of what this
    // process just encrypted with the same passphrase.
    this.#unlocked.set(name, Promise.resolve({ name, secretKey, publicKey: fromHex(info.publicKey), publicKeyHex: info.publicKey }));
    return this.#info(info);
  }

  /** Every stored key (no secrets). */
  async list(): Promise<NodeKeyInfo[]> {
    return (await this.keystore.list()).map((k) => this.#info(k));
  }

  #info(k: KeyInfo): NodeKeyInfo {
    return { name: k.name, publicKey: k.publicKey, did: this.did(k.publicKey), created: k.created };
  }
}
