// Worker thread of VerifyPool (verify-pool.ts). Plain ESM JavaScript so it runs unchanged from src/ (tests) and
// dist/ (build output) without a TypeScript loader.
//
// Protocol, parent -> worker: { id, buf: ArrayBuffer, count }, where buf packs `count` records of
// RECORD_BYTES = 64 (compact r||s) + 32 (message hash) + 33 (compressed public key). The buffer is transferred.
// Worker -> parent: { type: 'hello', backend, impl } once, then { type: 'done', id, result: ArrayBuffer } with one
// byte per record (1 = valid), transferred back, or { type: 'error', id, message }.
//
// Acceptance rules must equal the inline verifiers (verify-native.ts, verify-noble.ts): libsecp256k1's
// secp256k1_ecdsa_verify rejects high-S itself; noble needs lowS: true. Shape checks (lengths, the 0x02/0x03 key
// prefix) are done by the parent before packing; a malformed record is all zeros and fails every backend.
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import { keyExpander } from './key-expander.mjs';

const SIG = 64;
const HASH = 32;
const KEY = 33;
const RECORD_BYTES = SIG + HASH + KEY;

/**
 * @typedef {{ name: 'native' | 'noble', impl: string, verifyRecords: (data: Uint8Array, count: number, out: Uint8Array) => void }} Backend
 */

/**
 * Backends in order of speed: the node's addon (the parent passes its path when it has the ECDSA functions), the
 * `secp256k1` package's binding, then @noble/curves.
 * @param {'auto' | 'native' | 'noble'} prefer
 * @param {string | undefined} addonPath
 * @returns {Promise<Backend>}
 */
async function loadBackend(prefer, addonPath) {
  const require = createRequire(import.meta.url);
  if (prefer !== 'noble') {
    if (typeof addonPath === 'string') {
      let addon;
      try {
        addon = require(addonPath);
      } catch {
        // The parent loaded this file, so this is unexpected; the package binding below is as correct, if slower.
      }
      if (typeof addon?.ecdsaVerifyBatch === 'function') {
        // One native call per chunk; the transferred buffer is off-heap, so N-API reads it in place.
        return { name: 'native', impl: 'addon', verifyRecords: (data, count, out) => addon.ecdsaVerifyBatch(data, count, out) };
      }
    }
    try {
      // Not the package root: it silently falls back to a JS (elliptic) build when the addon fails to load.
      const native = require('secp256k1/bindings');
      const expand = keyExpander((key) => native.publicKeyConvert(key, false));
      return {
        name: 'native',
        impl: 'secp256k1-package',
        verifyRecords: perRecord((sig, msg, key) => {
          try {
            return native.ecdsaVerify(sig, msg, expand(key));
          } catch {
            // Unparseable signature (r or s >= n) or public key (not on the curve).
            return false;
          }
        }),
      };
    } catch (err) {
      if (prefer === 'native') throw err;
    }
  }
  const { secp256k1 } = await import('@noble/curves/secp256k1.js');
  const opts = { prehash: false, lowS: true, format: 'compact' };
  return {
    name: 'noble',
    impl: 'noble',
    verifyRecords: perRecord((sig, msg, key) => {
      try {
        return secp256k1.verify(sig, msg, key, opts);
      } catch {
        return false;
      }
    }),
  };
}

/**
 * A record loop around a one-signature check. Scratch arrays are reused for every record: no allocation per
 * signature, so the worker's heap stays tiny.
 * @param {(sig: Uint8Array, msg: Uint8Array, key: Uint8Array) => boolean} verify
 * @returns {Backend['verifyRecords']}
 */
function perRecord(verify) {
  const sig = new Uint8Array(SIG);
  const hash = new Uint8Array(HASH);
  const key = new Uint8Array(KEY);
  return (data, count, out) => {
    for (let i = 0, o = 0; i < count; i++, o += RECORD_BYTES) {
      for (let k = 0; k < SIG; k++) sig[k] = data[o + k];
      for (let k = 0; k < HASH; k++) hash[k] = data[o + SIG + k];
      for (let k = 0; k < KEY; k++) key[k] = data[o + SIG + HASH + k];
      out[i] = verify(sig, hash, key) ? 1 : 0;
    }
  };
}

const port = parentPort;
if (port === null) throw new Error('verify-worker.mjs must run as a worker thread');

/** @type {Backend} */
let backend;
try {
  backend = await loadBackend(workerData?.prefer ?? 'auto', workerData?.addonPath);
  port.postMessage({ type: 'hello', backend: backend.name, impl: backend.impl });
} catch (err) {
  port.postMessage({ type: 'error', id: -1, message: `backend failed to load: ${String(err)}` });
  process.exit(1);
}

port.on('message', (msg) => {
  const { id, buf, count } = msg;
  try {
    const out = new Uint8Array(new ArrayBuffer(count));
    backend.verifyRecords(new Uint8Array(buf), count, out);
    port.postMessage({ type: 'done', id, result: out.buffer }, [out.buffer]);
  } catch (err) {
    port.postMessage({ type: 'error', id, message: String(err) });
  }
});
