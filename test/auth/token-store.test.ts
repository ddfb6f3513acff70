// Issue 15 item 1: API tokens are stored as SHA-256 hashes in the datadir, shown once, expire and revoke.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import t from 'tap';
import { TokenStore, TOKENS_FILE } from '../../src/auth/token-store.js';
import { tempDir } from '../utils/chain.js';

t.test('create, verify, list, revoke, expire; hashes only on disk', async (t) => {
  const dir = await tempDir('tokens-');
  t.teardown(dir.cleanup);
  const path = join(dir.path, TOKENS_FILE);
  let now = 1_000_000;
  const store = await TokenStore.open({ path }, { now: () => now });
  const a = await store.create({ name: 'ci', scopes: ['read', 'sign:alice', 'read'], rateLimitPerMinute: 5 });
  t.match(a.token, /^cnt_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/, 'recognisable prefix, id, 256-bit secret');
  t.same(a.info.scopes, ['read', 'sign:alice'], 'duplicates dropped');
  t.equal(a.info.rateLimitPerMinute, 5);
  const b = await store.create({ scopes: ['admin'], expiresInSeconds: 60 });
  t.equal(b.info.expiresAt, now + 60_000);

  const disk = readFileSync(path, 'utf8');
  t.notOk(disk.includes(a.token.slice(22)), 'the secret is not on disk');
  t.ok(disk.includes(createHash('sha256').update(a.token).digest('hex')), 'its SHA-256 is');
  t.equal(statSync(path).mode & 0o777, 0o600, 'file mode 0600');

  t.equal(store.verify(a.token).id, a.info.id);
  t.throws(() => store.verify(`${a.token.slice(0, -1)}${a.token.endsWith('A') ? 'B' : 'A'}`), { code: 'AUTH_INVALID' }, 'one changed character');
  t.throws(() => store.verify(`cnt_${'0'.repeat(16)}_${'A'.repeat(43)}`), { code: 'AUTH_INVALID' }, 'unknown id');
  t.throws(() => store.verify('cnt_garbage'), { code: 'AUTH_INVALID' });

  now += 60_000;
  t.throws(() => store.verify(b.token), { code: 'AUTH_EXPIRED' }, 'expired at expiresAt');
  await store.revoke(a.info.id);
  t.throws(() => store.verify(a.token), { code: 'AUTH_REVOKED' });
  await t.rejects(store.revoke('ffffffffffffffff'), { code: 'TOKEN_NOT_FOUND' });

  const reopened = await TokenStore.open({ path }, { now: () => now });
  t.same(
    reopened.list().map((i) => [i.id, i.revokedAt !== null]),
    [
      [a.info.id, true],
      [b.info.id, false],
    ],
    'revocation and tokens survive a reopen',
  );
  t.throws(() => reopened.verify(a.token), { code: 'AUTH_REVOKED' });
  t.notOk('hash' in reopened.list()[0]!, 'listings carry no hash');
});

t.test('bad input and a damaged file', async (t) => {
  const dir = await tempDir('tokens-');
  t.teardown(dir.cleanup);
  const path = join(dir.path, TOKENS_FILE);
  const store = await TokenStore.open({ path });
  await t.rejects(store.create({ scopes: ['write'] }), { code: 'TOKEN_BAD_REQUEST' });
  await t.rejects(store.create({ scopes: ['sign:'] }), { code: 'TOKEN_BAD_REQUEST' });
  await t.rejects(store.create({ scopes: [] }), { code: 'TOKEN_BAD_REQUEST' });
  await t.rejects(store.create({ scopes: ['read'], expiresInSeconds: 0 }), { code: 'TOKEN_BAD_REQUEST' });
  t.same(store.list(), [], 'nothing created by refused requests');
  const nowhere = await TokenStore.open({ path: join(dir.path, 'missing-dir', TOKENS_FILE) });
  await t.rejects(nowhere.create({ scopes: ['read'] }), { code: 'TOKEN_STORE_WRITE_FAILED', status: 503 }, 'a write that fails gets a stable code, not a 500');
  writeFileSync(path, '{"tokens": [{"id": 1}]');
  await t.rejects(TokenStore.open({ path }), { code: 'TOKEN_STORE_CORRUPT' });
});
