// Issue 15 item 1: JWTs (HS256, EdDSA) with a configured issuer, audience and key, scopes from a claim; every
// refusal has its own code.
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import t, { type Test } from 'tap';
import { JwtVerifier } from '../../src/auth/jwt.js';
import { tempDir } from '../utils/chain.js';

const SECRET = 'an HS256 secret of comfortably more than 32 bytes';
const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');

async function setup(t: Test) {
  const dir = await tempDir('jwt-');
  t.teardown(dir.cleanup);
  const hsFile = join(dir.path, 'hs.secret');
  writeFileSync(hsFile, `${SECRET}\n`);
  const ed = generateKeyPairSync('ed25519');
  const edFile = join(dir.path, 'ed.pem');
  writeFileSync(edFile, ed.publicKey.export({ type: 'spki', format: 'pem' }));
  const common = { issuer: 'https://idp.example', audience: 'chain-node', scopeClaim: 'scope' };
  const hs = await JwtVerifier.open({ ...common, alg: 'HS256', keyFile: hsFile });
  const eddsa = await JwtVerifier.open({ ...common, alg: 'EdDSA', keyFile: edFile, scopeClaim: 'permissions' });
  return { dir: dir.path, hs, eddsa, ed, hsFile, edFile, common };
}

const sign = (
  claims: Record<string, unknown>,
  alg: string,
  key: Parameters<SignJWT['sign']>[0],
  o: { iss?: string; aud?: string; exp?: string | number } = {},
) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg })
    .setSubject('svc-gateway')
    .setIssuer(o.iss ?? 'https://idp.example')
    .setAudience(o.aud ?? 'chain-node')
    .setIssuedAt()
    .setExpirationTime(o.exp ?? '5m')
    .sign(key);

t.test('accepted: HS256 and EdDSA, scopes from the configured claim', async (t) => {
  const s = await setup(t);
  const hsKey = new TextEncoder().encode(SECRET);
  t.same(
    await s.hs.verify(await sign({ scope: 'read submit sign:alice openid' }, 'HS256', hsKey)),
    { subject: 'svc-gateway', scopes: ['read', 'submit', 'sign:alice'] },
    'unknown scopes (openid) ignored',
  );
  t.same((await s.eddsa.verify(await sign({ permissions: ['admin'] }, 'EdDSA', s.ed.privateKey))).scopes, ['admin'], 'a list claim, custom claim name');
  await t.rejects(s.hs.verify(await sign({ scope: 42 }, 'HS256', hsKey)), { code: 'AUTH_JWT_INVALID' }, 'a scope claim that is not a string or list');
});

t.test('refused, each with its code', async (t) => {
  const s = await setup(t);
  const hsKey = new TextEncoder().encode(SECRET);
  const payload = { sub: 'x', iss: 'https://idp.example', aud: 'chain-node', scope: 'admin', exp: Math.floor(Date.now() / 1000) + 300 };
  await t.rejects(s.hs.verify(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`), { code: 'AUTH_JWT_ALG' }, 'alg none');
  await t.rejects(s.eddsa.verify(`${b64({ alg: 'none' })}.${b64(payload)}.`), { code: 'AUTH_JWT_ALG' }, 'alg none (EdDSA node)');
  await t.rejects(s.eddsa.verify(await sign({ scope: 'admin' }, 'HS256', hsKey)), { code: 'AUTH_JWT_ALG' }, 'HS256 token on an EdDSA node (key confusion)');
  await t.rejects(
    s.hs.verify(await sign({ scope: 'admin' }, 'HS512', new TextEncoder().encode(SECRET + SECRET))),
    { code: 'AUTH_JWT_ALG' },
    'another HMAC alg',
  );
  await t.rejects(
    s.hs.verify(await sign({ scope: 'admin' }, 'HS256', new TextEncoder().encode(`${SECRET}!`))),
    { code: 'AUTH_JWT_SIGNATURE' },
    'bad signature',
  );
  const other = generateKeyPairSync('ed25519');
  await t.rejects(s.eddsa.verify(await sign({ permissions: 'admin' }, 'EdDSA', other.privateKey)), { code: 'AUTH_JWT_SIGNATURE' }, 'EdDSA: another key');
  await t.rejects(s.hs.verify(await sign({ scope: 'admin' }, 'HS256', hsKey, { aud: 'other-service' })), { code: 'AUTH_JWT_AUDIENCE' });
  await t.rejects(s.hs.verify(await sign({ scope: 'admin' }, 'HS256', hsKey, { iss: 'https://evil.example' })), { code: 'AUTH_JWT_ISSUER' });
  await t.rejects(s.hs.verify(await sign({ scope: 'admin' }, 'HS256', hsKey, { exp: Math.floor(Date.now() / 1000) - 120 })), { code: 'AUTH_EXPIRED' });
  await t.rejects(s.hs.verify('a.b.c'), { code: 'AUTH_JWT_INVALID' }, 'garbage');
  const good = await sign({ scope: 'admin' }, 'HS256', hsKey);
  const [h, p] = good.split('.');
  await t.rejects(s.hs.verify(`${h}.${p}.`), { code: 'AUTH_JWT_SIGNATURE' }, 'signature stripped');
});

t.test('configuration errors at start', async (t) => {
  const s = await setup(t);
  const short = join(s.dir, 'short');
  writeFileSync(short, 'too short');
  await t.rejects(JwtVerifier.open({ ...s.common, alg: 'HS256', keyFile: short }), { code: 'JWT_CONFIG_INVALID' }, 'HS256 secret under 32 bytes');
  await t.rejects(JwtVerifier.open({ ...s.common, alg: 'HS256', keyFile: join(s.dir, 'missing') }), { code: 'JWT_CONFIG_INVALID' }, 'missing key file');
  await t.rejects(JwtVerifier.open({ ...s.common, alg: 'EdDSA', keyFile: s.hsFile }), { code: 'JWT_CONFIG_INVALID' }, 'EdDSA with a non-PEM file');
  const rsa = join(s.dir, 'rsa.pem');
  writeFileSync(rsa, generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }));
  await t.rejects(JwtVerifier.open({ ...s.common, alg: 'EdDSA', keyFile: rsa }), { code: 'JWT_CONFIG_INVALID' }, 'EdDSA with an RSA key');
  await t.rejects(JwtVerifier.open({ ...s.common, audience: '', alg: 'HS256', keyFile: s.hsFile }), { code: 'JWT_CONFIG_INVALID' }, 'no audience');
  await t.rejects(JwtVerifier.open({ ...s.common, alg: 'RS256' as 'HS256', keyFile: s.hsFile }), { code: 'JWT_CONFIG_INVALID' }, 'unsupported alg');
});

t.test('a verified JWT is remembered only until it expires', async (t) => {
  const s = await setup(t);
  let now = Date.now();
  const hs = await JwtVerifier.open({ ...s.common, alg: 'HS256', keyFile: s.hsFile, clockToleranceSeconds: 0 }, { now: () => now });
  const exp = Math.floor(now / 1000) + 60;
  const jwt = await sign({ scope: 'read' }, 'HS256', new TextEncoder().encode(SECRET), { exp });
  t.same((await hs.verify(jwt)).scopes, ['read']);
  t.same((await hs.verify(jwt)).scopes, ['read'], 'again (from the cache)');
  now = exp * 1000 + 1;
  await t.rejects(hs.verify(jwt), { code: 'AUTH_EXPIRED' }, 'past exp the cached entry is not used');
  const tampered = `${jwt.slice(0, -2)}${jwt.endsWith('AA') ? 'BB' : 'AA'}`;
  await t.rejects(hs.verify(tampered), { code: /^AUTH_(JWT_SIGNATURE|JWT_INVALID)$/ }, 'a different string is verified afresh');
});
