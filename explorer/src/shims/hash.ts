// Browser stand-in for src/crypto/hash.ts (node:crypto and the native addon): the same functions over
// @noble/hashes, so the shared consensus code computes the same digests in the page.
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';

/** SHA-256 of `data` (SPEC 2: H). */
export function sha256(data: Uint8Array): Uint8Array {
  return nobleSha256(data);
}

/** SHA-256 of the concatenation of `parts`. */
export function sha256Concat(...parts: Uint8Array[]): Uint8Array {
  const h = nobleSha256.create();
  for (const p of parts) h.update(p);
  return h.digest();
}

/** Double SHA-256 (SPEC 2: H2). */
export function sha256d(data: Uint8Array): Uint8Array {
  return nobleSha256(nobleSha256(data));
}
