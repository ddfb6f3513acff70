// Worker thread of SignPool (sign-pool.ts). Plain ESM JavaScript so it runs unchanged from src/ (tests) and dist/.
//
// Protocol, parent -> worker: { id, key: Uint8Array (32-byte secret key), buf: ArrayBuffer of count * 32 bytes of
// signing hashes }. Worker -> parent: { id, sigs: ArrayBuffer of count * 64 bytes (compact r||s, low-S, RFC 6979) }
// (transferred), or { id, error }. It signs with the `secp256k1` package's libsecp256k1 binding, the signer the
// parent checked (loadHashSigner) before starting any worker.
import { createRequire } from 'node:module';
import { parentPort } from 'node:worker_threads';

const port = parentPort;
if (port === null) throw new Error('sign-worker.mjs must run as a worker thread');
const native = createRequire(import.meta.url)('secp256k1/bindings');

port.on('message', (m) => {
  try {
    const hashes = new Uint8Array(m.buf);
    const count = hashes.length / 32;
    const out = new Uint8Array(count * 64);
    for (let i = 0; i < count; i++) out.set(native.ecdsaSign(hashes.subarray(i * 32, i * 32 + 32), m.key).signature, i * 64);
    port.postMessage({ id: m.id, sigs: out.buffer }, [out.buffer]);
  } catch (err) {
    port.postMessage({ id: m.id, error: String(err && err.message ? err.message : err) });
  }
});
