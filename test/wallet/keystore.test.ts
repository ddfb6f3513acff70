import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { generateSecretKey, publicKeyFromSecret } from '../../src/crypto/signature.js';
import { toHex } from '../../src/util/bytes.js';
import { decryptSecretKey, encryptSecretKey, Keystore, parseKeystoreJson, type KeystoreFileJson } from '../../src/wallet/keystore.js';
import { getPassphrase } from '../../src/wallet/prompt.js';

function tempKeystore(t: Test): Keystore {
  const base = mkdtempSync(join(tmpdir(), 'keystore-test-'));
  t.teardown(() => rmSync(base, { recursive: true, force: true }));
  return new Keystore(join(base, 'keys'));
}

async function rejectsCode(t: Test, p: Promise<unknown>, code: string, msg?: string): Promise<void> {
  await t.rejects(p, { code }, msg ?? code);
}

const flipHex = (hex: string, at: number): string => hex.slice(0, at) + (parseInt(hex[at]!, 16) ^ 1).toString(16) + hex.slice(at + 1);

t.test('round trip through the keystore, files private', async (t) => {
  const ks = tempKeystore(t);
  const info = await ks.generate('alice', 'pa55 phrase');
  t.equal(info.file, join(ks.dir, 'alice.json'));
  t.equal(statSync(info.file).mode & 0o777, 0o600, 'key file 0600');
  t.equal(statSync(ks.dir).mode & 0o777, 0o700, 'keystore dir 0700');
  const file = JSON.parse(readFileSync(info.file, 'utf8')) as KeystoreFileJson;
  t.match(file, {
    version: 1,
    name: 'alice',
    publicKey: info.publicKey,
    crypto: { cipher: 'aes-256-gcm', kdf: 'scrypt', kdfparams: { r: 8, p: 1, dklen: 64 } },
  });
  t.ok(file.crypto.kdfparams.n >= 2 ** 15, 'scrypt N >= 2^15');
  t.match(file.crypto, { salt: /^[0-9a-f]{64}$/, iv: /^[0-9a-f]{24}$/, ciphertext: /^[0-9a-f]{64}$/, tag: /^[0-9a-f]{32}$/ });
  t.ok(!Number.isNaN(Date.parse(file.created)));

  const sk = await ks.unlock('alice', 'pa55 phrase');
  t.equal(toHex(publicKeyFromSecret(sk)), info.publicKey);
  t.notMatch(readFileSync(info.file, 'utf8'), toHex(sk), 'the secret is not in the file');
  t.same(await ks.show('alice'), info);
  t.same(
    (await ks.list()).map((k) => k.name),
    ['alice'],
  );
  t.equal(await ks.has('alice'), true);
  t.equal(await ks.has('bob'), false);
});

t.test('error codes', async (t) => {
  const ks = tempKeystore(t);
  await ks.generate('alice', 'right');
  await rejectsCode(t, ks.unlock('alice', 'wrong'), 'KEY_BAD_PASSPHRASE');
  await rejectsCode(t, ks.unlock('bob', 'right'), 'KEY_NOT_FOUND');
  await rejectsCode(t, ks.show('bob'), 'KEY_NOT_FOUND');
  await rejectsCode(t, ks.generate('alice', 'other'), 'KEY_EXISTS');
  await rejectsCode(t, ks.generate('../evil', 'x'), 'KEY_BAD_NAME');
  await rejectsCode(t, ks.generate('.hidden', 'x'), 'KEY_BAD_NAME');
  await rejectsCode(t, ks.generate('empty-pass', ''), 'KEY_PASSPHRASE_EMPTY');
  await rejectsCode(t, ks.importSecret('zero', new Uint8Array(32), 'x'), 'KEY_BAD_SECRET');
  t.same(
    (await ks.list()).map((k) => k.name),
    ['alice'],
    'failures leave nothing behind',
  );
  writeFileSync(join(ks.dir, 'junk.json'), '{not json');
  await rejectsCode(t, ks.unlock('junk', 'x'), 'KEY_FILE_INVALID');
  t.same(
    (await ks.list()).map((k) => k.name),
    ['alice'],
    'list skips unreadable files',
  );
});

t.test('tampering is detected', async (t) => {
  const sk = generateSecretKey();
  const good = await encryptSecretKey(sk, 'pw', { name: 'k' });
  const tamper = (f: (j: KeystoreFileJson) => void): KeystoreFileJson => {
    const j = JSON.parse(JSON.stringify(good)) as KeystoreFileJson;
    f(j);
    return j;
  };
  t.equal(toHex(await decryptSecretKey(good, 'pw')), toHex(sk));
  await rejectsCode(
    t,
    decryptSecretKey(
      tamper((j) => (j.crypto.ciphertext = flipHex(j.crypto.ciphertext, 5))),
      'pw',
    ),
    'KEY_TAMPERED',
    'ciphertext',
  );
  await rejectsCode(
    t,
    decryptSecretKey(
      tamper((j) => (j.crypto.tag = flipHex(j.crypto.tag, 0))),
      'pw',
    ),
    'KEY_TAMPERED',
    'tag',
  );
  await rejectsCode(
    t,
    decryptSecretKey(
      tamper((j) => (j.crypto.iv = flipHex(j.crypto.iv, 3))),
      'pw',
    ),
    'KEY_TAMPERED',
    'iv',
  );
  const otherPub = toHex(publicKeyFromSecret(generateSecretKey()));
  await rejectsCode(
    t,
    decryptSecretKey(
      tamper((j) => (j.publicKey = otherPub)),
      'pw',
    ),
    'KEY_TAMPERED',
    'swapped public key (bound as AAD)',
  );
  await rejectsCode(
    t,
    decryptSecretKey(
      tamper((j) => (j.crypto.salt = flipHex(j.crypto.salt, 0))),
      'pw',
    ),
    'KEY_BAD_PASSPHRASE',
    'salt changes the derived key',
  );
  await rejectsCode(
    t,
    decryptSecretKey(
      tamper((j) => (j.crypto.kdfparams.n = 2 ** 10)),
      'pw',
    ),
    'KEY_FILE_INVALID',
    'weak KDF refused',
  );
  await rejectsCode(
    t,
    decryptSecretKey(
      tamper((j) => (j.version = 2)),
      'pw',
    ),
    'KEY_FILE_INVALID',
    'unknown version',
  );
  await rejectsCode(
    t,
    decryptSecretKey(
      tamper((j) => (j.crypto.ciphertext = 'zz')),
      'pw',
    ),
    'KEY_FILE_INVALID',
    'not hex',
  );
  t.throws(() => parseKeystoreJson([]), { code: 'KEY_FILE_INVALID' });

  // Same test through files on disk.
  const ks = tempKeystore(t);
  const info = await ks.importSecret('disk', sk, 'pw');
  const onDisk = JSON.parse(readFileSync(info.file, 'utf8')) as KeystoreFileJson;
  onDisk.crypto.ciphertext = flipHex(onDisk.crypto.ciphertext, 40);
  writeFileSync(info.file, JSON.stringify(onDisk));
  await rejectsCode(t, ks.unlock('disk', 'pw'), 'KEY_TAMPERED');
});

t.test('export and import', async (t) => {
  const a = tempKeystore(t);
  const b = tempKeystore(t);
  const info = await a.generate('alice', 'pw');
  const exported = await a.read('alice');
  await rejectsCode(t, b.importJson('alice2', exported, 'bad'), 'KEY_BAD_PASSPHRASE', 'import checks the passphrase');
  const imported = await b.importJson('alice2', exported, 'pw');
  t.equal(imported.publicKey, info.publicKey);
  t.equal((await b.read('alice2')).name, 'alice2');
  t.equal(toHex(await b.unlock('alice2', 'pw')), toHex(await a.unlock('alice', 'pw')));
  const sk = generateSecretKey();
  const hexImported = await b.importSecret('raw', sk, 'new');
  t.equal(hexImported.publicKey, toHex(publicKeyFromSecret(sk)));
  await rejectsCode(t, b.importSecret('raw', sk, 'new'), 'KEY_EXISTS');
});

t.test('passphrase sources', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pass-test-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const f = join(dir, 'p');
  writeFileSync(f, 'from file\nsecond line\n');
  t.equal(await getPassphrase({ file: f, env: 'from env' }, { prompt: '' }), 'from file', 'file first, first line only');
  t.equal(await getPassphrase({ env: 'from env' }, { prompt: '' }), 'from env');
  await t.rejects(getPassphrase({}, { prompt: '' }), { code: 'KEY_PASSPHRASE_REQUIRED' }, 'no terminal, no env, no file');
  await t.rejects(getPassphrase({ file: join(dir, 'missing') }, { prompt: '' }), { code: 'KEY_PASSPHRASE_FILE' });
  await t.rejects(getPassphrase({ env: '' }, { prompt: '' }), { code: 'KEY_PASSPHRASE_EMPTY' });
});

t.test('interactive prompt without echo', async (t) => {
  const { PassThrough } = await import('node:stream');
  const input = Object.assign(new PassThrough(), {
    isTTY: true,
    raw: false,
    setRawMode(this: { raw: boolean }, v: boolean) {
      this.raw = v;
    },
  });
  const output = new PassThrough();
  let shown = '';
  output.on('data', (d: Buffer) => (shown += d.toString()));
  const io = { input, output };
  const p = getPassphrase({ io }, { prompt: 'Passphrase: ', confirmTwice: true });
  input.write('se\u007fecret\r');
  await new Promise((r) => setImmediate(r));
  input.write('secret\n');
  t.equal(await p, 'secret', 'backspace edits; asked twice');
  t.notMatch(shown, /secret/, 'nothing echoed');
  t.match(shown, /Passphrase: /);
  t.equal(input.raw, false, 'raw mode restored');
  const mismatch = getPassphrase({ io }, { prompt: 'P: ', confirmTwice: true });
  input.write('a\r');
  await new Promise((r) => setImmediate(r));
  input.write('b\r');
  await t.rejects(mismatch, { code: 'KEY_PASSPHRASE_MISMATCH' });
  const cancelled = getPassphrase({ io }, { prompt: 'P: ' });
  input.write('\u0003');
  await t.rejects(cancelled, { code: 'CANCELLED' });
});

t.test('fault 18: scrypt defaults follow current guidance, hostile parameters are refused on import, old keys open', async (t) => {
  const sk = generateSecretKey();
  const fresh = await encryptSecretKey(sk, 'pw', { name: 'new' });
  t.match(fresh.crypto.kdfparams, { n: 2 ** 17, r: 8, p: 1 }, 'new keys: N = 2^17, r = 8, p = 1 (OWASP)');
  // A key made with the previous default (N = 2^15) still opens, from a file and through import.
  const old = await encryptSecretKey(sk, 'pw', { name: 'old', kdf: { n: 2 ** 15, r: 8, p: 1 } });
  t.equal(toHex(await decryptSecretKey(old, 'pw')), toHex(sk), 'N = 2^15 key opens');
  const ks = tempKeystore(t);
  await ks.importJson('old', old, 'pw');
  t.equal(toHex(await ks.unlock('old', 'pw')), toHex(sk));
  // The file the audit used: N = 2^20, r = 32, p = 16 (minutes of CPU and ~4 GiB); and single-parameter extremes.
  const hostile = (k: { n: number; r: number; p: number }): KeystoreFileJson => ({ ...old, crypto: { ...old.crypto, kdfparams: { ...k, dklen: 64 } } });
  t.throws(() => parseKeystoreJson(hostile({ n: 2 ** 20, r: 32, p: 16 })), { code: 'KEY_KDF_TOO_COSTLY' }, 'N = 2^20, r = 32, p = 16 refused');
  await rejectsCode(t, ks.importJson('evil', hostile({ n: 2 ** 20, r: 32, p: 16 }), 'pw'), 'KEY_KDF_TOO_COSTLY', 'key import refuses it before deriving');
  t.throws(() => parseKeystoreJson(hostile({ n: 2 ** 15, r: 32, p: 16 })), { code: 'KEY_KDF_TOO_COSTLY' }, 'r and p multiply the work');
  t.throws(() => parseKeystoreJson(hostile({ n: 2 ** 19, r: 8, p: 1 })), { code: 'KEY_KDF_TOO_COSTLY' }, 'N above 2^18 is too costly');
  t.ok(parseKeystoreJson(hostile({ n: 2 ** 18, r: 8, p: 1 })), 'the most accepted: N = 2^18, r = 8 (256 MiB)');
  t.ok(parseKeystoreJson(hostile({ n: 2 ** 15, r: 8, p: 8 })), 'or the same work spread over p');
  t.notOk(await ks.has('evil'), 'nothing stored');
});
