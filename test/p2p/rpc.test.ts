import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { tcp } from '@libp2p/tcp';
import { createLibp2p } from 'libp2p';
import t from 'tap';
import { ChainNodeError } from '../../src/errors.js';
import { rpcHandler, rpcRequest } from '../../src/wire/rpc.js';
import { isCborMap } from '../../src/primitives/cbor.js';

async function host(): Promise<Awaited<ReturnType<typeof createLibp2p>>> {
  return createLibp2p({ addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] }, transports: [tcp()], connectionEncrypters: [noise()], streamMuxers: [yamux()] });
}

t.test('request/response: size limits, timeouts, error replies and penalties', async (t) => {
  const server = await host();
  const client = await host();
  t.teardown(async () => {
    await client.stop();
    await server.stop();
  });
  const errors: Array<[string, string, number]> = [];
  const onError = (peer: string, e: ChainNodeError): void => void errors.push([peer, e.code, e.penalty]);
  const limits = { maxRequestBytes: 100, maxResponseBytes: 1_000, timeoutMs: 1_000 };
  await server.handle(
    '/t/echo/1',
    rpcHandler('/t/echo/1', limits, async (req) => ({ echo: req }), onError),
  );
  await server.handle(
    '/t/big/1',
    rpcHandler('/t/big/1', { ...limits, maxResponseBytes: 1e6 }, async () => ({ blob: new Uint8Array(5_000) }), onError),
  );
  await server.handle(
    '/t/slow/1',
    rpcHandler('/t/slow/1', { ...limits, timeoutMs: 5_000 }, () => new Promise((r) => setTimeout(() => r({}), 2_000)), onError),
  );
  await server.handle(
    '/t/refuse/1',
    rpcHandler(
      '/t/refuse/1',
      limits,
      async () => {
        throw new ChainNodeError('P2P_RATE_LIMITED', 'too many requests', { penalty: 5 });
      },
      onError,
    ),
  );
  await client.dial(server.getMultiaddrs()[0]!);
  const me = client.peerId.toString();

  const r = await rpcRequest(client, server.peerId, '/t/echo/1', { hi: 1 }, limits);
  t.same(r, { echo: { hi: 1 } }, 'echo');

  const code = async (p: Promise<unknown>): Promise<string> =>
    p.then(
      () => 'none',
      (e: unknown) => (e instanceof ChainNodeError ? e.code : String(e)),
    );
  t.equal(await code(rpcRequest(client, server.peerId, '/t/echo/1', { pad: new Uint8Array(200) }, limits)), 'P2P_RPC_REFUSED', 'oversized request refused');
  t.same(errors.shift(), [me, 'P2P_RPC_OVERSIZED', 50], 'sender of an oversized request is penalised');
  t.equal(await code(rpcRequest(client, server.peerId, '/t/big/1', {}, limits)), 'P2P_RPC_OVERSIZED', 'oversized response rejected by the asker');
  t.equal(await code(rpcRequest(client, server.peerId, '/t/slow/1', {}, { ...limits, timeoutMs: 300 })), 'P2P_RPC_TIMEOUT', 'timeout');
  t.equal(await code(rpcRequest(client, server.peerId, '/t/refuse/1', {}, limits)), 'P2P_RPC_REFUSED', 'error reply');
  t.same(errors.shift(), [me, 'P2P_RATE_LIMITED', 5]);
  t.equal(await code(rpcRequest(client, server.peerId, '/t/none/1', {}, limits)), 'P2P_RPC_FAILED', 'unsupported protocol');

  // A raw stream sending garbage (not DAG-CBOR) gets an error reply and a penalty.
  const { lpStream } = await import('@libp2p/utils');
  const s = await client.dialProtocol(server.peerId, '/t/echo/1');
  const lp = lpStream(s);
  await lp.write(Uint8Array.of(0xff, 0xfe));
  const reply = await lp.read();
  const { decodeCbor } = await import('../../src/primitives/cbor.js');
  const v = decodeCbor(reply.subarray(), 'reply');
  t.ok(isCborMap(v) && v.error === 'P2P_RPC_MALFORMED', 'garbage request answered with an error');
  t.same(errors.shift(), [me, 'P2P_RPC_MALFORMED', 50]);
});
