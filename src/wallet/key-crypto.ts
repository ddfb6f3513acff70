import { createCipheriv, createDecipheriv, createHmac, randomBytes, scrypt, timingSafeEqual, type BinaryLike, type ScryptOptions } from 'node:crypto';
import { ChainNodeError } from '../errors.js';
import { isValidSecretKey, publicKeyFromSecret } from '../crypto/signature.js';
import { toHex } from '../util/bytes.js';

/** Version of the keystore file format. */
export const KEYSTORE_VERSION = 1;

/**
 * Default scrypt cost for new keys: N = 2^17, r = 8, p = 1 (128 MiB, a few tenths of a second per unlock), the
 * OWASP Password Storage Cheat Sheet's scrypt recommendation. Keys made with the earlier default (N = 2^15) open.
 */
export const DEFAULT_KDF = Object.freeze({ n: 2 ** 17, r: 8, p: 1 });

/** Smallest and largest scrypt N a keystore file may carry (a power of two). */
export const KDF_N_RANGE = Object.freeze({ min: 2 ** 15, max: 2 ** 18 });

/**
 * Most scrypt work a keystore file may ask for, as N * r * p (twice the default): it bounds both the memory of an
 * unlock (128 * N * r bytes, at most 256 MiB) and its CPU time (about twice a default unlock), so a hostile file
 * cannot make `key import` or an unlock take minutes and gigabytes. Beyond it: `KEY_KDF_TOO_COSTLY`.
 */
export const KDF_MAX_WORK = 2 * DEFAULT_KDF.n * DEFAULT_KDF.r * DEFAULT_KDF.p;

/** scrypt parameters stored in a keystore file. */
export interface KdfParams {
  n: number;
  r: number;
  p: number;
  /** Derived key length: 64 bytes (32 for AES-256-GCM, 32 for the passphrase check). */
  dklen: number;
}

/**
 * A key encrypted at rest. scrypt(passphrase, salt) gives 64 bytes: the first 32 are the AES-256-GCM key, the
 * last 32 key `check` = HMAC-SHA256(k2, "chain-node/keystore/v1/check"), so a wrong passphrase
 * (`KEY_BAD_PASSPHRASE`) is told apart from a modified file (`KEY_TAMPERED`). The GCM additional data binds
 * the format version and the public key, which is kept in clear so keys can be listed without a passphrase.
 */
export interface KeystoreFileJson {
  version: number;
  name: string;
  /** Compressed secp256k1 public key (the actor), hex. */
  publicKey: string;
  /** ISO 8601 creation time. */
  created: string;
  crypto: {
    cipher: 'aes-256-gcm';
    kdf: 'scrypt';
    kdfparams: KdfParams;
    salt: string;
    iv: string;
    ciphertext: string;
    tag: string;
    check: string;
  };
}

const CHECK_LABEL = 'chain-node/keystore/v1/check';

const invalid = (msg: string): never => {
  throw new ChainNodeError('KEY_FILE_INVALID', `keystore file: ${msg}`);
};

function scryptAsync(pass: BinaryLike, salt: BinaryLike, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(pass, salt, keylen, options, (err, key) => (err === null ? resolve(key) : reject(err))));
}

async function deriveKeys(passphrase: string, salt: Buffer, kdf: KdfParams): Promise<{ aesKey: Buffer; check: Buffer }> {
  const dk = await scryptAsync(passphrase.normalize('NFKC'), salt, kdf.dklen, { N: kdf.n, r: kdf.r, p: kdf.p, maxmem: 256 * kdf.n * kdf.r + 16 * 1024 * 1024 });
  const aesKey = dk.subarray(0, 32);
  const check = createHmac('sha256', dk.subarray(32, 64)).update(CHECK_LABEL).digest();
  return { aesKey, check };
}

function aad(version: number, publicKey: string): Buffer {
  return Buffer.from(`chain-node/keystore/v${version}:${publicKey}`, 'utf8');
}

function hexField(v: unknown, what: string, bytes?: number): Buffer {
  if (typeof v !== 'string' || !/^([0-9a-f]{2})*$/.test(v)) return invalid(`${what} must be lowercase hex`);
  const b = Buffer.from(v, 'hex');
  if (bytes !== undefined && b.length !== bytes) return invalid(`${what} must be ${bytes} bytes`);
  return b;
}

/** Check the shape of a parsed keystore file (`KEY_FILE_INVALID` otherwise). */
export function parseKeystoreJson(value: unknown): KeystoreFileJson {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return invalid('must be a JSON object');
  const j = value as Partial<KeystoreFileJson>;
  if (j.version !== KEYSTORE_VERSION) return invalid(`unsupported version ${String(j.version)}`);
  if (typeof j.name !== 'string') return invalid('name must be a string');
  const pub = hexField(j.publicKey, 'publicKey', 33);
  if (pub[0] !== 0x02 && pub[0] !== 0x03) return invalid('publicKey must be a compressed public key');
  if (typeof j.created !== 'string') return invalid('created must be a string');
  const c = j.crypto;
  if (typeof c !== 'object' || c === null) return invalid('crypto is missing');
  if (c.cipher !== 'aes-256-gcm') return invalid(`unsupported cipher ${String(c.cipher)}`);
  if (c.kdf !== 'scrypt') return invalid(`unsupported kdf ${String(c.kdf)}`);
  const k = c.kdfparams;
  if (typeof k !== 'object' || k === null) return invalid('kdfparams is missing');
  const n = k.n;
  if (!Number.isSafeInteger(n) || n < KDF_N_RANGE.min || n > 2 ** 30 || (n & (n - 1)) !== 0) {
    return invalid(`scrypt n must be a power of two of at least ${KDF_N_RANGE.min}`);
  }
  if (!Number.isSafeInteger(k.r) || k.r < 8 || k.r > 32) return invalid('scrypt r must be in 8..32');
  if (!Number.isSafeInteger(k.p) || k.p < 1 || k.p > 16) return invalid('scrypt p must be in 1..16');
  if (n > KDF_N_RANGE.max || n * k.r * k.p > KDF_MAX_WORK) {
    throw new ChainNodeError(
      'KEY_KDF_TOO_COSTLY',
      `keystore file: scrypt N = 2^${Math.log2(n)}, r = ${k.r}, p = ${k.p} costs more than accepted (N <= 2^${Math.log2(KDF_N_RANGE.max)}, N * r * p <= ${KDF_MAX_WORK}); re-encrypt the key with lower parameters`,
    );
  }
  if (k.dklen !== 64) return invalid('scrypt dklen must be 64');
  hexField(c.salt, 'salt', 32);
  hexField(c.iv, 'iv', 12);
  hexField(c.ciphertext, 'ciphertext', 32);
  hexField(c.tag, 'tag', 16);
  hexField(c.check, 'check', 32);
  return j as KeystoreFileJson;
}

/** Encrypt a 32-byte secret key with a passphrase (scrypt + AES-256-GCM). */
export async function encryptSecretKey(
  secretKey: Uint8Array,
  passphrase: string,
  info: { name: string; created?: Date; kdf?: Partial<Pick<KdfParams, 'n' | 'r' | 'p'>> },
): Promise<KeystoreFileJson> {
  if (!isValidSecretKey(secretKey)) throw new ChainNodeError('KEY_BAD_SECRET', 'secret key must be 32 bytes in 1..n-1');
  if (passphrase.length === 0) throw new ChainNodeError('KEY_PASSPHRASE_EMPTY', 'the passphrase must not be empty');
  const kdf: KdfParams = { n: info.kdf?.n ?? DEFAULT_KDF.n, r: info.kdf?.r ?? DEFAULT_KDF.r, p: info.kdf?.p ?? DEFAULT_KDF.p, dklen: 64 };
  const publicKey = toHex(publicKeyFromSecret(secretKey));
  const salt = randomBytes(32);
  const iv = randomBytes(12);
  const { aesKey, check } = await deriveKeys(passphrase, salt, kdf);
  const cipher = createCipheriv('aes-256-gcm', aesKey, iv);
  cipher.setAAD(aad(KEYSTORE_VERSION, publicKey));
  const ciphertext = Buffer.concat([cipher.update(secretKey), cipher.final()]);
  const json: KeystoreFileJson = {
    version: KEYSTORE_VERSION,
    name: info.name,
    publicKey,
    created: (info.created ?? new Date()).toISOString(),
    crypto: {
      cipher: 'aes-256-gcm',
      kdf: 'scrypt',
      kdfparams: kdf,
      salt: salt.toString('hex'),
      iv: iv.toString('hex'),
      ciphertext: ciphertext.toString('hex'),
      tag: cipher.getAuthTag().toString('hex'),
      check: check.toString('hex'),
    },
  };
  return parseKeystoreJson(json);
}

/**
 * Decrypt a keystore file's secret key. Throws `KEY_BAD_PASSPHRASE` for a wrong passphrase, `KEY_TAMPERED`
 * when the ciphertext, tag, iv or public key was modified, `KEY_FILE_INVALID` for a malformed file.
 */
export async function decryptSecretKey(file: unknown, passphrase: string): Promise<Uint8Array> {
  const j = parseKeystoreJson(file);
  const c = j.crypto;
  const { aesKey, check } = await deriveKeys(passphrase, Buffer.from(c.salt, 'hex'), c.kdfparams);
  if (!timingSafeEqual(check, Buffer.from(c.check, 'hex'))) throw new ChainNodeError('KEY_BAD_PASSPHRASE', `wrong passphrase for key '${j.name}'`);
  let secret: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', aesKey, Buffer.from(c.iv, 'hex'));
    decipher.setAAD(aad(j.version, j.publicKey));
    decipher.setAuthTag(Buffer.from(c.tag, 'hex'));
    secret = Buffer.concat([decipher.update(Buffer.from(c.ciphertext, 'hex')), decipher.final()]);
  } catch {
    throw new ChainNodeError('KEY_TAMPERED', `key '${j.name}': the encrypted data fails authentication (the file was modified)`);
  }
  const sk = new Uint8Array(secret);
  if (!isValidSecretKey(sk) || toHex(publicKeyFromSecret(sk)) !== j.publicKey) {
    throw new ChainNodeError('KEY_TAMPERED', `key '${j.name}': the secret does not match the public key`);
  }
  return sk;
}
