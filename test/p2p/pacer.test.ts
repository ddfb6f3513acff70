import t from 'tap';
import { P2pErrorCode, p2pError } from '../../src/wire/errors.js';
import { isRateLimitRefusal, RequestPacer } from '../../src/p2p/pacer.js';
import { ServedRateLimit } from '../../src/wire/rate-limit.js';
import { RpcRefusedError } from '../../src/wire/rpc.js';

t.test('served limits: over the rate is refused without penalty, far over it is abuse', async (t) => {
  let now = 0;
  const limit = new ServedRateLimit({ perSecond: 10, burst: 2 }, () => now);
  t.same([limit.check('p'), limit.check('p'), limit.check('p')], ['ok', 'ok', 'refused']);
  now += 100;
  t.equal(limit.check('p'), 'ok', 'one more token after 100 ms');
  const verdicts = Array.from({ length: 8 }, () => limit.check('p'));
  t.equal(verdicts.at(-1), 'abuse', 'a peer that keeps going at four times the burst is abusive');
  t.equal(limit.check('q'), 'ok', 'per peer');
});

t.test('the pacer sends a refused request again, and only rate-limit refusals', async (t) => {
  const pacer = new RequestPacer({ headers: { perSecond: 1_000, burst: 10 } });
  let calls = 0;
  const flaky = async (): Promise<string> => {
    if (++calls < 3) throw new RpcRefusedError(P2pErrorCode.rateLimited, 'headers: peer refused: P2P_RATE_LIMITED');
    return 'headers';
  };
  t.equal(await pacer.request('p', 'headers', flaky), 'headers', 'answered on the third attempt');
  t.equal(calls, 3);
  t.equal(pacer.refusals, 2);
  calls = 0;
  const other = async (): Promise<string> => {
    calls++;
    throw new RpcRefusedError('P2P_RPC_MALFORMED', 'headers: peer refused: P2P_RPC_MALFORMED');
  };
  await t.rejects(pacer.request('p', 'headers', other), { code: 'P2P_RPC_REFUSED', remoteCode: 'P2P_RPC_MALFORMED' });
  t.equal(calls, 1, 'other refusals are not retried');
  await t.rejects(
    pacer.request('p', 'headers', async () => Promise.reject(p2pError(P2pErrorCode.timeout, 'slow'))),
    { code: 'P2P_RPC_TIMEOUT' },
  );
  t.notOk(isRateLimitRefusal(p2pError(P2pErrorCode.refused, 'no remote code')));
  const limited = new RequestPacer({ headers: { perSecond: 1_000, burst: 10 } }, { maxAttempts: 2 });
  await t.rejects(
    limited.request('p', 'headers', async () => Promise.reject(new RpcRefusedError(P2pErrorCode.rateLimited, 'again'))),
    { code: 'P2P_RPC_REFUSED' },
    'gives up after maxAttempts',
  );
});

t.test('the pacer holds requests to a share of the published rate', async (t) => {
  // Published 100/s with burst 20: the client keeps to 80/s with a burst of 10.
  const pacer = new RequestPacer({ blocks: { perSecond: 100, burst: 20 } });
  const t0 = performance.now();
  for (let i = 0; i < 18; i++) await pacer.acquire('p', 'blocks');
  const ms = performance.now() - t0;
  // 10 at once, then 8 more at 12.5 ms each: at least ~100 ms; a client that did not pace would take ~0 ms.
  t.ok(ms >= 90, `18 requests took ${ms.toFixed(0)} ms`);
});
