// Signs COUNT audit actions with a fresh key and POSTs them to one node's /txs; prints the txids as JSON.
// Used by scripts/test-docker.sh inside the chain-node image (so it runs the image's own library and Node 24):
//
//   docker run --rm --network <compose network> -v "$PWD/docker/test:/t:ro" --entrypoint node <image> \
//     /t/submit-txs.mjs http://node2:18082 regtest 3
//
// Library: the package's main export (dist/src/index.js), CHAIN_NODE_LIB overrides the path.
const [apiUrl = 'http://127.0.0.1:17332', networkName = 'regtest', countArg = '3'] = process.argv.slice(2);
const lib = await import(process.env.CHAIN_NODE_LIB ?? '/app/dist/src/index.js');
const { Transaction, generateSecretKey, publicKeyFromSecret, chainId, getNetwork, toHex } = lib;

const chain = chainId(getNetwork(networkName));
const key = generateSecretKey();
const count = Number(countArg);
const txids = [];
for (let nonce = 0; nonce < count; nonce++) {
  const tx = Transaction.sign(
    {
      chain,
      nonce,
      time: Date.now(),
      kind: 'audit.docker-test',
      subject: `docker-test-${process.pid}`,
      payload: { step: nonce, host: 'test-docker', at: new Date().toISOString() },
    },
    key,
  );
  const res = await fetch(`${apiUrl}/txs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tx: toHex(tx.bytes) }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = await res.json().catch(() => ({}));
  if (res.status !== 202 && res.status !== 200) {
    process.stderr.write(`POST /txs -> ${res.status} ${JSON.stringify(body)}\n`);
    process.exit(1);
  }
  if (body.txid !== tx.txidHex) {
    process.stderr.write(`txid mismatch: node says ${body.txid}, expected ${tx.txidHex}\n`);
    process.exit(1);
  }
  txids.push(tx.txidHex);
}
process.stdout.write(`${JSON.stringify({ actor: toHex(publicKeyFromSecret(key)), txids })}\n`);
