// Worker thread of SignPool (sign-pool.ts). Plain ESM JavaScript so it runs unchanged from src/ (tests) and dist/.
//
// Protocol, parent -> worker: { id, key: Uint8Array (32-byte secret key), buf: ArrayBuffer of count * 32 bytes of
// signing hashes }. Worker -> parent: { id, sigs: ArrayBuffer of count * 64 bytes (compact r||s, low-S, RFC 6979) }
// (transferred), or { id, error }. It signs with the signer the parent checked against its probe before starting any
// worker: the node's addon (workerData.addonPath, its ecdsaSignBatch) or else the `secp256k1` package's binding.
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';

const port = parentPort;
if (port === null) throw new Error('sign-worker.mjs must run as a worker thread');
const require = createRequire(import.meta.url);
const addonPath = workerData?.addonPath;
/** @type {(key: Uint8Array, hashes: Uint8Array, count: number, out: Uint8Array) => boolean} */
const signBatch =
  typeof addonPath === 'string'
    ? require(addonPath).ecdsaSignBatch
    : (() => {
        const native = require('secp256k1/bindings');
        return (key, hashes, count, out) => {
          for (let i = 0; i < count; i++) out.set(native.ecdsaSign(hashes.subarray(i * 32, i * 32 + 32), key).signature, i * 64);
          return true;
        };
      })();

port.on('message', (m) => {
  try {
    const hashes = new Uint8Array(m.buf);
    const count = hashes.length / 32;
    const out = new Uint8Array(count * 64);
    if (!signBatch(m.key, hashes, count, out)) throw new Error('the key is not a valid secp256k1 secret key');
    port.postMessage({ id: m.id, sigs: out.buffer }, [out.buffer]);
  } catch (err) {
    port.postMessage({ id: m.id, error: String(err && err.message ? err.message : err) });
  }
});
