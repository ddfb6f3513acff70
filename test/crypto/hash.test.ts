import t from 'tap';
import { sha256, sha256d } from '../../src/crypto/hash.js';
import { toHex } from '../../src/util/bytes.js';

t.test('sha256 of nothing (FIPS 180-2 / RFC 6962 empty tree root)', async (t) => {
  t.equal(toHex(sha256(new Uint8Array(0))), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
});

t.test('sha256 of "abc" (FIPS 180-2 vector)', async (t) => {
  t.equal(toHex(sha256(new TextEncoder().encode('abc'))), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});

t.test('double sha256 of "hello"', async (t) => {
  t.equal(toHex(sha256d(new TextEncoder().encode('hello'))), '9595c9df90075148eb06860365df33584b75bff782a510c6cd4883a419833d50');
});
