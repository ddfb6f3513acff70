import t from 'tap';
import { SIGNER_PROBE, loadHashSigner, parsePayload, signAction, signActionFast } from '../../src/wallet/tx-signer.js';
import { certifyAction, DOC_CERTIFY_KIND } from '../../src/client/doc.js';
import { chainId, getNetwork } from '../../src/consensus/networks.js';
import { generateSecretKey, publicKeyFromSecret, signHash } from '../../src/crypto/signature.js';
import { toHex } from '../../src/util/bytes.js';
import { Transaction } from '../../src/primitives/transaction.js';

const CHAIN = chainId(getNetwork('regtest'));

t.test('signAction builds a valid transaction', async (t) => {
  const sk = generateSecretKey();
  const tx = signAction(
    sk,
    { kind: 'review', subject: 'item-9', payload: { stars: 5, text: 'great', blob: { '/': { bytes: 'AQID' } } }, time: 1234 },
    { chainId: CHAIN, nonce: 3 },
  );
  t.ok(tx.verifySignature());
  t.equal(toHex(tx.fields.from), toHex(publicKeyFromSecret(sk)));
  t.equal(tx.fields.nonce, 3);
  t.equal(tx.fields.time, 1234);
  t.same(tx.fields.payload, { stars: 5, text: 'great', blob: new Uint8Array([1, 2, 3]) }, 'DAG-JSON bytes become bytes');
  t.throws(() => signAction(sk, { kind: '', payload: null }, { chainId: CHAIN, nonce: 0 }), { code: 'TX_BAD_KIND' });
  t.throws(() => signAction(sk, { kind: 'k', subject: 'x'.repeat(129), payload: null }, { chainId: CHAIN, nonce: 0 }), { code: 'TX_BAD_SUBJECT' });
  t.throws(() => parsePayload('{bad'), { code: 'TX_BAD_PAYLOAD' });
  t.same(parsePayload('[1,"a"]'), [1, 'a']);
});

t.test('the fast signer produces the same bytes', async (t) => {
  const signer = loadHashSigner();
  t.ok(['libsecp256k1', 'noble'].includes(signer.name), `signer: ${signer.name}`);
  t.equal(signer.name, 'libsecp256k1', 'the secp256k1 package binding loads on this platform (a dependency, built by npm)');
  for (let i = 0; i < 20; i++) {
    const sk = generateSecretKey();
    const action = {
      kind: 'metric',
      subject: `container-${i}`,
      payload: { containerId: `c${i}`, memoryMB: 100 + i, cpuUsage: i / 3, timestamp: 1_700_000_000_000 + i },
      time: 99,
    };
    const slow = signAction(sk, action, { chainId: CHAIN, nonce: i });
    const fast = signActionFast(sk, publicKeyFromSecret(sk), action, { chainId: CHAIN, nonce: i });
    t.equal(toHex(fast.bytes), toHex(slow.bytes), `tx ${i}`);
    t.equal(toHex(fast.txid), slow.txidHex);
    const msg = slow.sigHash;
    t.equal(toHex(signer.sign(msg, sk)), toHex(signHash(msg, sk)), 'RFC 6979 and low-S on both');
  }
  const decoded = Transaction.decode(
    signActionFast(generateSecretKey(), publicKeyFromSecret(generateSecretKey()), { kind: 'x', payload: 1 }, { chainId: CHAIN, nonce: 0 }).bytes,
  );
  t.notOk(decoded.verifySignature(), 'a mismatched public key does not verify');
});

t.test('doc.certify action', async (t) => {
  const a = certifyAction({ name: 'a.pdf', size: 10, sha256: 'ab'.repeat(32) });
  t.same(a, { kind: DOC_CERTIFY_KIND, subject: 'ab'.repeat(32), payload: { name: 'a.pdf', size: 10, sha256: 'ab'.repeat(32) } });
});

t.test("the native signer's probe is @noble/curves' own signature of it", async (t) => {
  t.equal(toHex(signHash(SIGNER_PROBE.msgHash, SIGNER_PROBE.secretKey)), SIGNER_PROBE.sigHex);
  t.equal(toHex(loadHashSigner().sign(SIGNER_PROBE.msgHash, SIGNER_PROBE.secretKey)), SIGNER_PROBE.sigHex);
});
