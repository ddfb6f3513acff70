import { ed25519 } from '@noble/curves/ed25519.js';
import { ChainNodeError, Penalty, type ErrorCode } from '../errors.js';
import { sha256Concat } from '../crypto/hash.js';
import { bytesEqual } from '../util/bytes.js';
import { ed25519FromSeed } from '../crypto/ed25519-keys.js';

/** Note signature type of Ed25519 (C2SP signed-note). */
export const NOTE_ALG_ED25519 = 0x01;
/** Most signature lines a parsed note may carry (golang.org/x/mod/sumdb/note accepts 100; C2SP requires >= 16). */
export const MAX_NOTE_SIGNATURES = 100;
/** Most bytes a parsed note may have: room for a checkpoint and 100 Ed25519 signature lines with long names. */
export const MAX_NOTE_BYTES = 64 * 1024;
/** Longest key name accepted, in UTF-8 bytes. */
export const MAX_KEY_NAME_BYTES = 256;

const SIG_PREFIX = '\u2014 ';
// Unicode White_Space (what Go's unicode.IsSpace rejects in key names).
const UNICODE_SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/u;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

/** One signature line of a note: key name, 32-bit key ID and the base64 of `keyID || signature`. */
export interface NoteSignature {
  name: string;
  keyId: number;
  base64: string;
}

/** A parsed note: its text (ending in a newline) and its signature lines in order. */
export interface Note {
  text: string;
  sigs: NoteSignature[];
}

/** A trusted public key that checks note signatures. */
export interface NoteVerifier {
  name: string;
  keyId: number;
  publicKey: Uint8Array;
  /** The verifier key string `<name>+<keyid hex>+<base64(0x01 || public key)>`. */
  vkey: string;
  verify(text: Uint8Array, signature: Uint8Array): boolean;
}

/** A private key that signs notes. */
export interface NoteSigner {
  name: string;
  keyId: number;
  publicKey: Uint8Array;
  vkey: string;
  sign(text: Uint8Array): Uint8Array;
}

/** Result of opening a note against trusted keys. */
export interface OpenedNote extends Note {
  /** Signatures by trusted keys that verified (one per key). */
  verified: NoteSignature[];
  /** Signatures by keys the caller does not know (ignored, kept for relaying). */
  unverified: NoteSignature[];
}

function noteError(code: ErrorCode, message: string): ChainNodeError {
  return new ChainNodeError(code, message, { penalty: Penalty.high });
}

/** True when `name` is a valid key name: non-empty, no Unicode space, no `+`, at most MAX_KEY_NAME_BYTES bytes. */
export function isValidKeyName(name: string): boolean {
  return (
    typeof name === 'string' &&
    name.length > 0 &&
    !UNICODE_SPACE.test(name) &&
    !name.includes('+') &&
    !LONE_SURROGATE.test(name) &&
    utf8.encode(name).length <= MAX_KEY_NAME_BYTES
  );
}

/** Strict standard base64 (RFC 4648 section 4, padded, canonical); null when `s` is not. */
export function decodeBase64Strict(s: string): Uint8Array | null {
  if (!BASE64.test(s)) return null;
  const out = new Uint8Array(Buffer.from(s, 'base64'));
  return Buffer.from(out).toString('base64') === s ? out : null;
}

/** Standard padded base64. */
export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Key ID (C2SP signed-note): the first 4 bytes, big-endian, of `SHA-256(name || 0x0A || 0x01 || public key)`. */
export function noteKeyId(name: string, publicKey: Uint8Array): number {
  const h = sha256Concat(utf8.encode(name), Uint8Array.of(0x0a, NOTE_ALG_ED25519), publicKey);
  return ((h[0]! << 24) | (h[1]! << 16) | (h[2]! << 8) | h[3]!) >>> 0;
}

/** Key ID as 8 lowercase hex digits. */
export function keyIdHex(keyId: number): string {
  return keyId.toString(16).padStart(8, '0');
}

/** Formats the verifier key string `<name>+<keyid hex>+<base64(0x01 || public key)>`. */
export function formatVerifierKey(name: string, publicKey: Uint8Array): string {
  if (!isValidKeyName(name)) throw noteError('NOTE_BAD_KEY_NAME', `invalid key name ${JSON.stringify(name)}`);
  if (publicKey.length !== 32) throw noteError('NOTE_BAD_VERIFIER_KEY', 'an Ed25519 public key is 32 bytes');
  return `${name}+${keyIdHex(noteKeyId(name, publicKey))}+${encodeBase64(Uint8Array.of(NOTE_ALG_ED25519, ...publicKey))}`;
}

/**
 * Parses a verifier key string (as golang.org/x/mod/sumdb/note NewVerifier does). Throws `NOTE_BAD_VERIFIER_KEY`
 * for a malformed string, an algorithm other than Ed25519, a key of the wrong length or a key ID that does not
 * match the name and key.
 */
export function parseVerifierKey(vkey: string): NoteVerifier {
  const bad = (why: string): ChainNodeError => noteError('NOTE_BAD_VERIFIER_KEY', `invalid verifier key: ${why}`);
  if (typeof vkey !== 'string' || vkey.length > 1024) throw bad('not a string of at most 1024 characters');
  const parts = splitKey(vkey, 3);
  if (parts === null) throw bad('expected <name>+<key id>+<key>');
  const [name, idHex, b64] = parts as [string, string, string];
  if (!isValidKeyName(name)) throw bad('invalid key name');
  if (!/^[0-9a-f]{8}$/.test(idHex)) throw bad('key ID must be 8 lowercase hex digits');
  const key = decodeBase64Strict(b64);
  if (key === null || key.length < 2) throw bad('key is not base64');
  if (key[0] !== NOTE_ALG_ED25519) throw bad(`unsupported signature type ${key[0]}`);
  if (key.length !== 33) throw bad('an Ed25519 key is 32 bytes');
  const publicKey = key.slice(1);
  const keyId = Number.parseInt(idHex, 16);
  if (noteKeyId(name, publicKey) !== keyId) throw bad('key ID does not match the name and key');
  return {
    name,
    keyId,
    publicKey,
    vkey,
    verify(text: Uint8Array, signature: Uint8Array): boolean {
      if (signature.length !== 64) return false;
      try {
        return ed25519.verify(signature, text, publicKey, { zip215: false });
      } catch {
        return false;
      }
    },
  };
}

// Splits at the first `count - 1` plus signs (the base64 key at the end may contain more); null if too few.
function splitKey(s: string, count: number): string[] | null {
  const out: string[] = [];
  let rest = s;
  for (let i = 0; i < count - 1; i++) {
    const at = rest.indexOf('+');
    if (at < 0) return null;
    out.push(rest.slice(0, at));
    rest = rest.slice(at + 1);
  }
  out.push(rest);
  return out;
}

/** Signer from a key name and a 32-byte Ed25519 seed (RFC 8032 private key). */
export function signerFromSeed(name: string, seed: Uint8Array): NoteSigner {
  if (!isValidKeyName(name)) throw noteError('NOTE_BAD_KEY_NAME', `invalid key name ${JSON.stringify(name)}`);
  if (seed.length !== 32) throw noteError('NOTE_BAD_SIGNER_KEY', 'an Ed25519 seed is 32 bytes');
  const { publicKey, sign } = ed25519FromSeed(seed);
  return {
    name,
    keyId: noteKeyId(name, publicKey),
    publicKey,
    vkey: formatVerifierKey(name, publicKey),
    sign,
  };
}

/** Parses a private signer key `PRIVATE+KEY+<name>+<keyid hex>+<base64(0x01 || seed)>` (Go's NewSigner form). */
export function parseSignerKey(skey: string): NoteSigner {
  const bad = (why: string): ChainNodeError => noteError('NOTE_BAD_SIGNER_KEY', `invalid signer key: ${why}`);
  const parts = typeof skey === 'string' ? splitKey(skey, 5) : null;
  if (parts === null || parts[0] !== 'PRIVATE' || parts[1] !== 'KEY') throw bad('expected PRIVATE+KEY+<name>+<key id>+<key>');
  const [, , name, idHex, b64] = parts as [string, string, string, string, string];
  const key = decodeBase64Strict(b64);
  if (key === null || key.length !== 33 || key[0] !== NOTE_ALG_ED25519) throw bad('not an Ed25519 key');
  const signer = signerFromSeed(name, key.slice(1));
  if (keyIdHex(signer.keyId) !== idHex) throw bad('key ID does not match the name and key');
  return signer;
}

/** Formats a signer's private key string (for `PRIVATE+KEY+...` files); `seed` is the 32-byte Ed25519 seed. */
export function formatSignerKey(name: string, seed: Uint8Array): string {
  const signer = signerFromSeed(name, seed);
  return `PRIVATE+KEY+${name}+${keyIdHex(signer.keyId)}+${encodeBase64(Uint8Array.of(NOTE_ALG_ED25519, ...seed))}`;
}

/** A fresh random 32-byte Ed25519 seed. */
export function randomSeed(): Uint8Array {
  return ed25519.utils.randomSecretKey();
}

/**
 * Parses a signed note without checking signatures: valid UTF-8, no control characters but newline, at most
 * MAX_NOTE_BYTES bytes, text and signatures split at the last blank line, each signature line `— <name>
 * <base64(keyID || sig)>` with at least one signature byte, at most MAX_NOTE_SIGNATURES lines. Throws
 * `NOTE_MALFORMED`.
 */
export function parseNote(msg: string | Uint8Array): Note {
  const bad = (why: string): ChainNodeError => noteError('NOTE_MALFORMED', `malformed note: ${why}`);
  let bytes: Uint8Array;
  let s: string;
  if (typeof msg === 'string') {
    if (LONE_SURROGATE.test(msg)) throw bad('not valid UTF-8');
    s = msg;
    bytes = utf8.encode(msg);
  } else {
    bytes = msg;
    if (bytes.length > MAX_NOTE_BYTES) throw bad(`longer than ${MAX_NOTE_BYTES} bytes`);
    try {
      s = utf8Strict.decode(bytes);
    } catch {
      throw bad('not valid UTF-8');
    }
  }
  if (bytes.length > MAX_NOTE_BYTES) throw bad(`longer than ${MAX_NOTE_BYTES} bytes`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0009\u000b-\u001f]/.test(s)) throw bad('control character');
  const split = s.lastIndexOf('\n\n');
  if (split < 0) throw bad('no blank line before the signatures');
  const text = s.slice(0, split + 1);
  const sigBlock = s.slice(split + 2);
  if (sigBlock.length === 0 || !sigBlock.endsWith('\n')) throw bad('signature block must be non-empty and end in a newline');
  const lines = sigBlock.slice(0, -1).split('\n');
  if (lines.length > MAX_NOTE_SIGNATURES) throw bad(`more than ${MAX_NOTE_SIGNATURES} signatures`);
  const sigs = lines.map((line) => {
    if (!line.startsWith(SIG_PREFIX)) throw bad('signature line must start with an em dash and a space');
    const rest = line.slice(SIG_PREFIX.length);
    const sp = rest.indexOf(' ');
    if (sp < 0) throw bad('signature line has no signature');
    const name = rest.slice(0, sp);
    const b64 = rest.slice(sp + 1);
    const raw = decodeBase64Strict(b64);
    if (!isValidKeyName(name) || raw === null || raw.length < 5) throw bad('invalid signature line');
    const keyId = ((raw[0]! << 24) | (raw[1]! << 16) | (raw[2]! << 8) | raw[3]!) >>> 0;
    return { name, keyId, base64: b64 };
  });
  return { text, sigs };
}

/** Serialises a note: text, blank line, one signature line each. */
export function formatNote(note: Note): string {
  if (!note.text.endsWith('\n')) throw noteError('NOTE_MALFORMED', 'note text must end in a newline');
  if (note.sigs.length === 0) throw noteError('NOTE_MALFORMED', 'a signed note needs at least one signature');
  return `${note.text}\n${note.sigs.map((g) => `${SIG_PREFIX}${g.name} ${g.base64}\n`).join('')}`;
}

/** Signature bytes (without the key ID) of a parsed signature line. */
export function signatureBytes(sig: NoteSignature): Uint8Array {
  return decodeBase64Strict(sig.base64)!.slice(4);
}

/** Signs `text` with `signer`; returns the signature line's fields. */
export function signText(text: string, signer: NoteSigner): NoteSignature {
  if (!text.endsWith('\n')) throw noteError('NOTE_MALFORMED', 'note text must end in a newline');
  const sig = signer.sign(utf8.encode(text));
  const id = signer.keyId;
  const raw = Uint8Array.of(id >>> 24, (id >>> 16) & 0xff, (id >>> 8) & 0xff, id & 0xff, ...sig);
  return { name: signer.name, keyId: id, base64: encodeBase64(raw) };
}

/**
 * Signs a note (like Go's note.Sign): `existing` signatures first, except those by the same keys as `signers`,
 * then one new signature per signer. Returns the serialised note.
 */
export function signNote(text: string, signers: readonly NoteSigner[], existing: readonly NoteSignature[] = []): string {
  const mine = new Set(signers.map((s) => `${s.name}+${s.keyId}`));
  const sigs = existing.filter((g) => !mine.has(`${g.name}+${g.keyId}`));
  for (const s of signers) sigs.push(signText(text, s));
  return formatNote({ text, sigs });
}

/** True when `sig` is a valid signature of `text` by `verifier` (name, key ID and Ed25519 signature). */
export function verifyNoteSignature(text: string, sig: NoteSignature, verifier: NoteVerifier): boolean {
  if (sig.name !== verifier.name || sig.keyId !== verifier.keyId) return false;
  const raw = decodeBase64Strict(sig.base64);
  if (raw === null || raw.length < 5) return false;
  return verifier.verify(utf8.encode(text), raw.slice(4));
}

/**
 * Opens a note against trusted keys, with C2SP / Go note.Open semantics: signatures by unknown keys are
 * ignored (listed in `unverified`), a failing signature by a known key rejects the note (`NOTE_BAD_SIGNATURE`),
 * repeated signatures by one key count once, and a note with no verified signature is rejected
 * (`NOTE_UNVERIFIED`).
 */
export function openNote(msg: string | Uint8Array, known: readonly NoteVerifier[]): OpenedNote {
  const note = parseNote(msg);
  const verified: NoteSignature[] = [];
  const unverified: NoteSignature[] = [];
  const seen = new Set<string>();
  const seenUnknown = new Set<string>();
  const textBytes = utf8.encode(note.text);
  for (const sig of note.sigs) {
    const v = known.find((k) => k.name === sig.name && k.keyId === sig.keyId);
    if (v === undefined) {
      const line = `${sig.name} ${sig.base64}`;
      if (!seenUnknown.has(line)) unverified.push(sig);
      seenUnknown.add(line);
      continue;
    }
    const id = `${sig.name}+${sig.keyId}`;
    if (seen.has(id)) continue;
    seen.add(id);
    if (!v.verify(textBytes, signatureBytes(sig))) {
      throw noteError('NOTE_BAD_SIGNATURE', `invalid signature for key ${sig.name}+${keyIdHex(sig.keyId)}`);
    }
    verified.push(sig);
  }
  if (verified.length === 0) throw noteError('NOTE_UNVERIFIED', 'no signature by a trusted key');
  return { ...note, verified, unverified };
}

/** True when two verifiers are the same key. */
export function sameKey(a: NoteVerifier, b: NoteVerifier): boolean {
  return a.name === b.name && a.keyId === b.keyId && bytesEqual(a.publicKey, b.publicKey);
}

/**
 * Parses a witness set: verifier key strings, one per entry or line (blank lines and `#` comments ignored),
 * without duplicates. Throws `NOTE_BAD_VERIFIER_KEY` naming the bad entry.
 */
export function parseVerifierList(entries: readonly string[]): NoteVerifier[] {
  const out: NoteVerifier[] = [];
  for (const entry of entries) {
    for (const raw of entry.split('\n')) {
      const line = raw.replace(/#.*/, '').trim();
      if (line === '') continue;
      const v = parseVerifierKey(line);
      if (!out.some((o) => sameKey(o, v))) out.push(v);
    }
  }
  return out;
}
