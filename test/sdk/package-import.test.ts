// A script outside the repository imports the SDK by the package's name (as `npm install chain-node` users do):
// the typed client, the fast signer, the sender and the finality wait come from the main export, internals stay
// unreachable, and a TypeScript consumer type-checks against the published declarations (issue 15, item 7).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { ensureBuilt, ROOT, startNode, tempDir } from '../e2e/support.js';

ensureBuilt();

const SCRIPT = `import { createChainClient, unwrap, TxSender, ApiClient, loadHashSigner, waitForFinalProof, generateSecretKey } from 'chain-node';
const url = process.env.NODE_URL;
const sender = new TxSender({ url, secretKey: generateSecretKey(), batchSize: 2 });
const results = await sender.send([
  { kind: 'review', subject: 'product-1', payload: { stars: 5, text: 'fine' } },
  { kind: 'review', subject: 'product-2', payload: { stars: 3 } },
  { kind: 'audit.login', payload: { user: 'alice' } },
]);
const client = createChainClient({ url });
const tx = unwrap(await client.GET('/txs/{txid}', { params: { path: { txid: results[2].txid } } }));
// The record proof exists once the record is mined; then wait for a final checkpoint over its block.
for (let i = 0; unwrap(await client.GET('/txs/{txid}', { params: { path: { txid: results[0].txid } } })).status !== 'mined'; i++) {
  if (i > 600) throw new Error('not mined within 60 s');
  await new Promise((r) => setTimeout(r, 100));
}
const proof = await waitForFinalProof(new ApiClient({ url }), results[0].txid, { limitMs: 90000, pollMs: 250 });
let internal = 'reachable';
try {
  await import('chain-node/dist/src/client/api-client.js');
} catch (err) {
  internal = err.code;
}
console.log(JSON.stringify({ signer: loadHashSigner().name, senderSigner: sender.signerName, results, kind: tx.tx.kind, proofVersion: proof.version, internal }));
`;

const CONSUMER_TS = `import { createChainClient, unwrap, TxSender, type SendResult, type ChainClient } from 'chain-node';
export async function nextNonce(client: ChainClient, actor: string): Promise<number> {
  const n: number = unwrap(await client.GET('/accounts/{actor}', { params: { path: { actor } } })).pendingNonce;
  // @ts-expect-error: not a route of the API
  await client.GET('/no-such-route');
  // @ts-expect-error: the path parameter is required
  await client.GET('/accounts/{actor}', {});
  return n;
}
export async function statuses(sender: TxSender): Promise<SendResult['status'][]> {
  return (await sender.send([{ kind: 'metric', payload: { cpuUsage: 1 } }])).map((r) => r.status);
}
export const client = createChainClient({ url: 'http://127.0.0.1:1' });
`;

t.test("import { TxSender, createChainClient, ... } from 'chain-node': sign, send, read typed, wait for finality", async (t) => {
  const dir = tempDir(t, 'chain-node-sdk-consumer-');
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(ROOT, join(dir, 'node_modules', 'chain-node'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', type: 'module', private: true }));
  writeFileSync(join(dir, 'use.mjs'), SCRIPT);
  const node = await startNode(t, { datadir: join(dir, 'regtest'), home: dir, mine: true });
  const r = spawnSync(process.execPath, ['use.mjs'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, NODE_URL: node.url, NODE_OPTIONS: '' },
  });
  t.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as {
    signer: string;
    senderSigner: string;
    results: Array<{ status: string; nonce: number }>;
    kind: string;
    proofVersion: number;
    internal: string;
  };
  t.equal(out.signer, 'libsecp256k1', 'the fast native signer loads for package users');
  t.equal(out.senderSigner, 'libsecp256k1');
  t.same(
    out.results.map((x) => [x.status, x.nonce]),
    [
      ['accepted', 0],
      ['accepted', 1],
      ['accepted', 2],
    ],
  );
  t.equal(out.kind, 'audit.login', 'typed GET /txs/{txid}');
  t.equal(out.proofVersion, 2, 'waited until a final checkpoint covered the record');
  t.equal(out.internal, 'ERR_PACKAGE_PATH_NOT_EXPORTED', 'internals stay behind the exports map');
});

t.test('a TypeScript consumer type-checks against the published declarations (routes and shapes are typed)', async (t) => {
  const dir = tempDir(t, 'chain-node-sdk-ts-');
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(ROOT, join(dir, 'node_modules', 'chain-node'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer-ts', type: 'module', private: true }));
  writeFileSync(join(dir, 'consumer.ts'), CONSUMER_TS);
  // skipLibCheck: the consumer has no @types/node here; its own code is still checked against chain-node's types.
  const tsconfig = {
    compilerOptions: {
      strict: true,
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      target: 'ES2023',
      lib: ['ES2023', 'DOM'],
      noEmit: true,
      skipLibCheck: true,
      types: [],
    },
    files: ['consumer.ts'],
  };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 120_000,
  });
  t.equal(r.status, 0, `tsc: ${r.stdout}${r.stderr}`);

  writeFileSync(join(dir, 'consumer.ts'), `${CONSUMER_TS}export const wrong: string = unwrap(await client.GET('/health')).height;\n`);
  const bad = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 120_000,
  });
  t.not(bad.status, 0, 'a wrong response type is a compile error');
  t.match(bad.stdout, /Type 'number' is not assignable to type 'string'/);
});

t.test("the README's SDK guide runs as written against a mining node", async (t) => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Client SDK'));
  const code = /```js\n([\s\S]*?)```/.exec(section)?.[1];
  if (code === undefined) return t.fail('no js block in the README SDK section');
  const dir = tempDir(t, 'chain-node-sdk-readme-');
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(ROOT, join(dir, 'node_modules', 'chain-node'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer-readme', type: 'module', private: true }));
  const node = await startNode(t, { datadir: join(dir, 'regtest'), home: dir, mine: true });
  t.match(code, /const url = 'http:\/\/127\.0\.0\.1:17332';/);
  writeFileSync(join(dir, 'guide.mjs'), code.replace(`'http://127.0.0.1:17332'`, JSON.stringify(node.url)));
  const r = spawnSync(process.execPath, ['guide.mjs'], { cwd: dir, encoding: 'utf8', timeout: 120_000, env: { ...process.env, NODE_OPTIONS: '' } });
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stderr, '', 'no record refused');
  const lines = r.stdout.trim().split('\n');
  t.match(lines[0], /^(pending 0|mined \d+)$/, 'typed read printed status and confirmations');
  t.match(lines[1], /^2 \d+$/, 'an anchored (version 2) proof');
});
