import { createHash } from 'node:crypto';

/** SHA-256 of `data` (SPEC 2: H). */
export function sha256(data: Uint8Array): Uint8Array {
  return toPlain(createHash('sha256').update(data).digest());
}

/** SHA-256 of the concatenation of `parts`, without building the concatenation. */
export function sha256Concat(...parts: Uint8Array[]): Uint8Array {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return toPlain(h.digest());
}

/** Double SHA-256 (SPEC 2: H2). */
export function sha256d(data: Uint8Array): Uint8Array {
  const first = createHash('sha256').update(data).digest();
  return toPlain(createHash('sha256').update(first).digest());
}

// Node's Buffer is a Uint8Array subclass; return plain Uint8Arrays so deepEqual and structured clone behave.
function toPlain(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}
