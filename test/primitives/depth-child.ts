// Child process for cbor-depth.test.ts: prints the verdict of every decoding path on transactions of the given
// depths, on its first calls (a cold process, possibly started with a small --stack-size).
import { generateSecretKey } from '../../src/crypto/signature.js';
import { pathVerdicts, rawTxOfDepth, txOfDepth } from '../reliability/depth-targets.js';

const chain = new Uint8Array(32).fill(7);
const sk = generateSecretKey();
const out: Record<string, unknown> = {};
for (const arg of process.argv.slice(2)) {
  const depth = Number(arg);
  const tx = depth <= 40 ? txOfDepth(sk, chain, 0, depth) : rawTxOfDepth(sk, chain, depth);
  out[arg] = pathVerdicts(tx);
}
process.stdout.write(JSON.stringify(out));
