// Browser stand-in for the one node:buffer function the shared CBOR code uses.
const strict = new TextDecoder('utf-8', { fatal: true });

/** True when `bytes` is valid UTF-8. */
export function isUtf8(bytes: Uint8Array): boolean {
  try {
    strict.decode(bytes);
    return true;
  } catch {
    return false;
  }
}
