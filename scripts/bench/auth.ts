// Cost of authentication per request (issue 15 item 1): GET /mempool over real HTTP (keep-alive, 32 in flight)
// with no credential on an open node (the baseline, same run), then on a --require-auth node with the cookie
// token, an API token, an HS256 JWT and an EdDSA JWT. Prints requests/s and the added CPU-time per request.
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { API_DEFAULTS, closeApi, createApi } from '../../src/api/server.js';
import { benchApiContext } from './lib/api-context.js';
import { JwtVerifier, type JwtAlg } from '../../src/auth/jwt.js';
import { TokenStore } from '../../src/auth/token-store.js';
import { Chain } from '../../src/chain/chain.js';
import { chainId, getNetwork } from '../../src/consensus/networks.js';
import { ChainStore } from '../../src/store/chain-store.js';

const NET = getNetwork('regtest');
const ID = chainId(NET);
const REQUESTS = 20_000;
const IN_FLIGHT = 32;
const COOKIE = 'c'.repeat(64);

/** Requests/s and process CPU µs per request of REQUESTS GETs with `header`. */
async function load(port: number, header: string | undefined): Promise<{ rps: number; cpuUs: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
  const one = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/mempool', agent, headers: header === undefined ? {} : { authorization: header } }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
      });
      req.on('error', reject);
      req.end();
    });
  let left = REQUESTS;
  const worker = async (): Promise<void> => {
    while (left-- > 0) await one();
  };
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const ms = performance.now() - t0;
  const d = process.cpuUsage(cpu);
  agent.destroy();
  return { rps: (REQUESTS / ms) * 1000, cpuUs: (d.user + d.system) / REQUESTS };
}

export async function run(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-auth-'));
  const store = await ChainStore.open({ path: join(dir, 'chain'), chainId: ID });
  const chain = await Chain.open({ params: NET }, { store });
  const tokens = await TokenStore.open({ path: join(dir, 'api-tokens.json') });
  const apiToken = (await tokens.create({ scopes: ['read'] })).token;
  const secret = 'bench secret of more than thirty-two bytes!';
  writeFileSync(join(dir, 'hs'), secret);
  const ed = generateKeyPairSync('ed25519');
  writeFileSync(join(dir, 'ed.pem'), ed.publicKey.export({ type: 'spki', format: 'pem' }));
  const jwtOf = (alg: JwtAlg) =>
    new SignJWT({ scope: 'read' })
      .setProtectedHeader({ alg })
      .setSubject('bench')
      .setIssuer('idp')
      .setAudience('chain-node')
      .setExpirationTime('1h')
      .sign(alg === 'HS256' ? new TextEncoder().encode(secret) : ed.privateKey);
  const serve = async (requireAuth: boolean, alg: JwtAlg) => {
    const jwt = await JwtVerifier.open({
      alg,
      keyFile: join(dir, alg === 'HS256' ? 'hs' : 'ed.pem'),
      issuer: 'idp',
      audience: 'chain-node',
      scopeClaim: 'scope',
    });
    const app = await createApi(
      { ...API_DEFAULTS, rateLimitPerMinute: 0, tokenRateLimitPerMinute: 0, requireAuth },
      { ctx: benchApiContext(chain, store, NET, COOKIE), tokens, jwt },
    );
    await app.listen({ host: '127.0.0.1', port: 0 });
    const a = app.server.address();
    return { app, port: typeof a === 'object' && a !== null ? a.port : 0 };
  };
  try {
    const open = await serve(false, 'HS256');
    await load(open.port, undefined); // warm-up
    const base = await load(open.port, undefined);
    await closeApi(open.app);
    console.log(`BENCH auth_none_rps ${base.rps.toFixed(0)} req/s`);
    console.log(`BENCH auth_none_cpu ${base.cpuUs.toFixed(1)} us/req`);
    const hs = await serve(true, 'HS256');
    for (const [name, header] of [
      ['cookie', `Bearer ${COOKIE}`],
      ['token', `Bearer ${apiToken}`],
      ['jwt_hs256', `Bearer ${await jwtOf('HS256')}`],
    ] as const) {
      const r = await load(hs.port, header);
      console.log(`BENCH auth_${name}_rps ${r.rps.toFixed(0)} req/s`);
      console.log(`BENCH auth_${name}_added_cpu ${(r.cpuUs - base.cpuUs).toFixed(1)} us/req`);
    }
    await closeApi(hs.app);
    const eddsa = await serve(true, 'EdDSA');
    const r = await load(eddsa.port, `Bearer ${await jwtOf('EdDSA')}`);
    console.log(`BENCH auth_jwt_eddsa_rps ${r.rps.toFixed(0)} req/s`);
    console.log(`BENCH auth_jwt_eddsa_added_cpu ${(r.cpuUs - base.cpuUs).toFixed(1)} us/req`);
    await closeApi(eddsa.app);
  } finally {
    await chain.idle();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}
