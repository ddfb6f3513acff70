// C2SP signed notes and checkpoints: published examples round-trip, Go's note package test vectors, strict parsing.
import t from 'tap';
import {
  MAX_NOTE_BYTES,
  formatNote,
  formatSignerKey,
  formatVerifierKey,
  keyIdHex,
  openNote,
  parseNote,
  parseSignerKey,
  parseVerifierKey,
  randomSeed,
  signNote,
  signerFromSeed,
  verifyNoteSignature,
} from '../../src/log/note.js';
import { formatCheckpoint, logOrigin, parseCheckpoint } from '../../src/log/checkpoint.js';

// Source: golang.org/x/mod/sumdb/note/note_test.go (TestNewVerifier, TestNewSigner, TestSign, TestOpen), as shipped
// in Debian's golang-golang-x-mod-dev (/usr/share/gocode/src/golang.org/x/mod/sumdb/note/note_test.go).
const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const PETER_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const ENOCH_VKEY = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_SIG = '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const ENOCH_SIG = '— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';

// Source: C2SP signed-note specification (https://c2sp.org/signed-note, C2SP/C2SP signed-note.md), the example note.
const C2SP_NOTE =
  'Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned è subito sera.\n\n— quasimodo.example/salvatore NnugSzTjtVAewIS+Z/iJhUPeFDkO/5QQ2i5ddnGITLlC+EhfLW9oJKONrMouFSQU0xMcXxj99ihAQwaqP3ZekRwNtIc=\n';
// Source: C2SP tlog-checkpoint specification (https://c2sp.org/tlog-checkpoint, C2SP/C2SP tlog-checkpoint.md).
const C2SP_CHECKPOINT =
  'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n';

t.test('Go note test vectors: verifier and signer keys parse, signing reproduces the published note byte for byte', async (t) => {
  const peter = parseVerifierKey(PETER_VKEY);
  t.equal(peter.name, 'PeterNeumann');
  t.equal(keyIdHex(peter.keyId), 'c74f20a3');
  t.equal(formatVerifierKey(peter.name, peter.publicKey), PETER_VKEY, 'verifier key string round-trips');
  const signer = parseSignerKey(PETER_SKEY);
  t.equal(signer.vkey, PETER_VKEY, 'the signer key derives the published verifier key');
  t.equal(signNote(TEXT, [signer]), `${TEXT}\n${PETER_SIG}`, 'Sign output of note_test.go TestSign');
  // Go's mangling checks: every proper substring and every single-byte increment is refused.
  for (let i = 0; i < PETER_VKEY.length; i++) {
    for (let j = i + 1; j <= PETER_VKEY.length; j++) {
      if (i === 0 && j === PETER_VKEY.length) continue;
      t.throws(() => parseVerifierKey(PETER_VKEY.slice(i, j)), { code: 'NOTE_BAD_VERIFIER_KEY' });
    }
  }
  for (let i = 0; i < PETER_VKEY.length; i++) {
    const mangled = PETER_VKEY.slice(0, i) + String.fromCharCode(PETER_VKEY.charCodeAt(i) + 1) + PETER_VKEY.slice(i + 1);
    t.throws(() => parseVerifierKey(mangled), { code: 'NOTE_BAD_VERIFIER_KEY' });
  }
  t.throws(
    () => parseVerifierKey('PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY=='),
    { code: 'NOTE_BAD_VERIFIER_KEY' },
    'wrong key length',
  );
  t.throws(
    () => parseVerifierKey('PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'),
    { code: 'NOTE_BAD_VERIFIER_KEY' },
    'unknown algorithm',
  );
  t.throws(() => parseSignerKey(PETER_SKEY.replace('c74f20a3', 'c74f20a4')), { code: 'NOTE_BAD_SIGNER_KEY' });
  t.throws(() => parseSignerKey(PETER_SKEY.slice(1)), { code: 'NOTE_BAD_SIGNER_KEY' });
});

t.test('Go note TestOpen semantics', async (t) => {
  const peter = parseVerifierKey(PETER_VKEY);
  const enoch = parseVerifierKey(ENOCH_VKEY);
  const msg = `${TEXT}\n${PETER_SIG}${ENOCH_SIG}`;
  let n = openNote(msg, [peter]);
  t.equal(n.text, TEXT);
  t.same(
    n.verified.map((s) => s.name),
    ['PeterNeumann'],
  );
  t.same(
    n.unverified.map((s) => [s.name, keyIdHex(s.keyId)]),
    [['EnochRoot', 'af0cfe78']],
  );
  n = openNote(msg, [peter, enoch]);
  t.same(
    n.verified.map((s) => s.name),
    ['PeterNeumann', 'EnochRoot'],
  );
  t.throws(() => openNote(msg, []), { code: 'NOTE_UNVERIFIED' });
  t.throws(() => openNote(`${TEXT}\n${PETER_SIG.repeat(101)}`, [peter]), { code: 'NOTE_MALFORMED' }, 'more than 100 signatures');
  t.throws(() => openNote(`${TEXT}\n${PETER_SIG.slice(0, 60)}ABCD${PETER_SIG.slice(60)}`, [peter]), { code: 'NOTE_BAD_SIGNATURE' });
  // Duplicates: a repeated verified signature counts once, repeated unknown lines are listed once.
  const enochBad = `${ENOCH_SIG.slice(0, 60)}ABCD${ENOCH_SIG.slice(60)}`;
  n = openNote(`${TEXT}\n${PETER_SIG}${PETER_SIG}${ENOCH_SIG}${ENOCH_SIG}${enochBad}`, [peter]);
  t.equal(n.verified.length, 1);
  t.equal(n.unverified.length, 2);
  const bad = [
    TEXT,
    `${TEXT}\n`,
    `${TEXT}\n${PETER_SIG.slice(0, -1)}`,
    `\x01${TEXT}\n${PETER_SIG}`,
    `${TEXT}\n— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=`,
    `${TEXT}\n${PETER_SIG}Unexpected line.\n`,
  ];
  for (const m of bad) t.throws(() => openNote(m, [peter]), { code: 'NOTE_MALFORMED' }, JSON.stringify(m.slice(-30)));
  const invalidUtf8 = new Uint8Array([0xff, ...new TextEncoder().encode(`${TEXT}\n${PETER_SIG}`)]);
  t.throws(() => openNote(invalidUtf8, [peter]), { code: 'NOTE_MALFORMED' }, 'invalid UTF-8');
});

t.test('C2SP examples parse and round-trip', async (t) => {
  const n = parseNote(C2SP_NOTE);
  t.equal(n.text, 'Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned è subito sera.\n', 'text keeps its inner blank line');
  t.equal(n.sigs.length, 1);
  t.equal(n.sigs[0]!.name, 'quasimodo.example/salvatore');
  t.equal(formatNote(n), C2SP_NOTE);
  const cpNote = parseNote(C2SP_CHECKPOINT);
  const cp = parseCheckpoint(cpNote.text);
  t.equal(cp.origin, 'example.com/behind-the-sofa');
  t.equal(cp.size, 20852163);
  t.equal(Buffer.from(cp.root).toString('base64'), 'CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=');
  t.equal(formatCheckpoint(cp), cpNote.text);
  t.equal(formatNote(cpNote), C2SP_CHECKPOINT);
});

t.test('checkpoint parsing is strict', async (t) => {
  const root = Buffer.alloc(32, 7).toString('base64');
  t.equal(logOrigin('devnet', 'ab'.repeat(32)), `chain-node/devnet/${'ab'.repeat(32)}`);
  for (const bad of [
    `o\n1\n${root}`,
    `o\n01\n${root}\n`,
    `o\n-1\n${root}\n`,
    `o\n1\n`,
    `o\n1\n${root.slice(0, -4)}\n`,
    `\n1\n${root}\n`,
    `o\n99999999999999999\n${root}\n`,
    `o\n1\n${root}\n\n`,
  ]) {
    t.throws(() => parseCheckpoint(bad), { code: 'CHECKPOINT_MALFORMED' }, JSON.stringify(bad));
  }
  t.same(parseCheckpoint(`o\n0\n${root}\next\n`).extensions, ['ext']);
});

t.test('own keys: sign, verify, tamper, limits', async (t) => {
  const seed = randomSeed();
  const s = signerFromSeed('witness.example/a', seed);
  const v = parseVerifierKey(s.vkey);
  t.equal(parseSignerKey(formatSignerKey(s.name, seed)).vkey, s.vkey);
  const text = `${logOrigin('devnet', '00'.repeat(32))}\n5\n${Buffer.alloc(32).toString('base64')}\n`;
  const msg = signNote(text, [s]);
  const n = openNote(msg, [v]);
  t.equal(n.text, text);
  t.ok(verifyNoteSignature(text, n.sigs[0]!, v));
  t.notOk(verifyNoteSignature(text.replace('5', '6'), n.sigs[0]!, v), 'changed text fails');
  t.throws(() => openNote(msg.replace('\n5\n', '\n6\n'), [v]), { code: 'NOTE_BAD_SIGNATURE' });
  t.throws(() => signerFromSeed('has space', seed), { code: 'NOTE_BAD_KEY_NAME' });
  t.throws(() => signerFromSeed('has+plus', seed), { code: 'NOTE_BAD_KEY_NAME' });
  t.throws(() => signerFromSeed('nbsp\u00a0name', seed), { code: 'NOTE_BAD_KEY_NAME' });
  t.throws(() => parseNote(`${'x'.repeat(MAX_NOTE_BYTES)}\n\n${PETER_SIG}`), { code: 'NOTE_MALFORMED' }, 'oversized');
  t.throws(
    () => parseNote(`${TEXT}\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM\n`),
    { code: 'NOTE_MALFORMED' },
    'unpadded base64',
  );
  t.throws(() => parseNote(`${TEXT}\n— PeterNeumann AAAA\n`), { code: 'NOTE_MALFORMED' }, 'signature too short');
  t.throws(() => parseNote(`${TEXT}\r\n${PETER_SIG}`), { code: 'NOTE_MALFORMED' }, 'carriage return');
});

t.test('signer keys (OpenSSL Ed25519) match @noble/curves: public key and signature, for random seeds', async (t) => {
  const { ed25519 } = await import('@noble/curves/ed25519.js');
  for (let i = 0; i < 20; i++) {
    const seed = randomSeed();
    const text = new TextEncoder().encode(`note ${i}\n`);
    const s = signerFromSeed('witness.example/r', seed);
    t.same(s.publicKey, ed25519.getPublicKey(seed));
    t.same(s.sign(text), ed25519.sign(text, seed));
    t.ok(s.publicKey instanceof Uint8Array && s.sign(text) instanceof Uint8Array);
  }
});
