// Shared by verify-native.ts and verify-worker.mjs (plain ESM JavaScript: the worker runs it without a loader).
//
// libsecp256k1 parses a compressed public key with a field square root (~10% of a verification). Actors sign again
// and again, so their keys are kept uncompressed, whose parse is a cheap curve check, in a direct-mapped table
// indexed by a hash of the key bytes.

const SLOTS = 16_384;

/**
 * A function mapping a 33-byte compressed key to its 65-byte uncompressed form, remembering recent keys.
 * `convert` does the conversion (and throws on a key that is not on the curve; nothing is remembered then).
 * @param {(key: Uint8Array) => Uint8Array} convert
 * @returns {(key: Uint8Array) => Uint8Array}
 */
export function keyExpander(convert) {
  /** @type {Array<Uint8Array | undefined>} */
  const keys = new Array(SLOTS);
  /** @type {Array<Uint8Array | undefined>} */
  const full = new Array(SLOTS);
  return (key) => {
    let h = 0x811c9dc5;
    for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key[i], 0x01000193);
    const slot = (h >>> 0) & (SLOTS - 1);
    const known = keys[slot];
    if (known !== undefined && known.length === key.length) {
      let same = true;
      for (let i = 0; i < key.length; i++) {
        if (known[i] !== key[i]) {
          same = false;
          break;
        }
      }
      if (same) return /** @type {Uint8Array} */ (full[slot]);
    }
    const expanded = convert(key);
    keys[slot] = Uint8Array.from(key);
    full[slot] = expanded;
    return expanded;
  };
}
