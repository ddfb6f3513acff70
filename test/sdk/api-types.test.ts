// The SDK's generated route types (src/sdk/api-types.ts) cannot drift from the OpenAPI document a node serves,
// and the response shapes that document declares hold for a real node's answers (issue 15, item 7).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import t from 'tap';
import { API_TYPES_FILE, renderApiTypes } from '../../scripts/gen-api-types.js';
import { generateSecretKey, publicKeyFromSecret } from '../../src/crypto/signature.js';
import { fromHex, toHex } from '../../src/util/bytes.js';
import { signActionFast } from '../../src/wallet/tx-signer.js';
import { TxSender } from '../../src/sdk/sender.js';
import { ensureBuilt, ROOT, startNode, tempDir } from '../e2e/support.js';

ensureBuilt();

interface OpenApiDoc {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>>;
}

t.test('checked-in api-types.ts is what npm run gen:api-types makes of the live /openapi.json', async (t) => {
  const dir = tempDir(t);
  const node = await startNode(t, { datadir: join(dir, 'regtest'), home: dir, mine: false });
  const doc = (await (await fetch(`${node.url}/openapi.json`)).json()) as OpenApiDoc;
  const expected = await renderApiTypes(doc);
  const actual = readFileSync(join(ROOT, API_TYPES_FILE), 'utf8');
  t.ok(actual === expected, 'src/sdk/api-types.ts matches the document (if not: npm run gen:api-types, and commit it)');
  t.ok(Object.keys(doc.paths).length >= 20, 'the document lists the routes');

  await t.test('live answers match the documented response schemas', async (t) => {
    const ajv = new Ajv({ strict: false });
    const check = (path: string, method: string, status: number, body: unknown): void => {
      const responses = doc.paths[path]?.[method]?.responses ?? {};
      const schema = (responses[String(status)] ?? (status >= 400 ? responses.default : undefined))?.content?.['application/json']?.schema;
      if (schema === undefined) {
        t.fail(`${method.toUpperCase()} ${path} documents no ${status} JSON response`);
        return;
      }
      const ok = ajv.validate(schema, body);
      t.ok(ok, `${method.toUpperCase()} ${path} ${status}: ${ajv.errorsText(ajv.errors)}`);
    };
    const get = async (url: string): Promise<unknown> => (await fetch(`${node.url}${url}`)).json();
    check('/status', 'get', 200, await get('/status'));
    check('/health', 'get', 200, await get('/health'));
    check('/health/ready', 'get', 200, await get('/health/ready'));
    check('/mining', 'get', 200, await get('/mining'));
    const sk = generateSecretKey();
    const actor = toHex(publicKeyFromSecret(sk));
    check('/accounts/{actor}', 'get', 200, await get(`/accounts/${actor}`));
    const sender = new TxSender({ url: node.url, secretKey: sk });
    const [r] = await sender.send([{ kind: 'audit.login', subject: 'u1', payload: { ip: '10.0.0.1' } }]);
    check('/txs/{txid}', 'get', 200, await get(`/txs/${r!.txid}`));
    const signed = signActionFast(
      sk,
      publicKeyFromSecret(sk),
      { kind: 'audit.logout', payload: {} },
      { chainId: fromHex(((await get('/status')) as { chainId: string }).chainId), nonce: 1 },
    );
    const post = (body: unknown): Promise<Response> =>
      fetch(`${node.url}/txs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const one = await post({ tx: toHex(signed.bytes) });
    t.equal(one.status, 202);
    check('/txs', 'post', 202, await one.json());
    const bad = await post({ tx: 'zz' });
    check('/txs', 'post', 400, await bad.json());
    const batch = await fetch(`${node.url}/txs/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ txs: ['00', 'zz'] }),
    });
    t.equal(batch.status, 200);
    check('/txs/batch', 'post', 200, await batch.json());
  });
});
