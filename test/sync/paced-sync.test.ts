import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { peerIdFromString } from '@libp2p/peer-id';
import { tcp } from '@libp2p/tcp';
import { createLibp2p } from 'libp2p';
import t from 'tap';
import type { ChainNodeError } from '../../src/errors.js';
import { RequestPacer } from '../../src/p2p/pacer.js';
import { protocolLimits, type ProtocolName } from '../../src/p2p/protocols.js';
import { PROTOCOL_RATE_LIMITS } from '../../src/wire/rate-limit.js';
import { rpcHandler, rpcRequest } from '../../src/wire/rpc.js';
import { MAX_HEADERS } from '../../src/sync/messages.js';
import { resolveSyncOptions } from '../../src/sync/options.js';
import { SyncServer, type SyncProtocol } from '../../src/sync/server.js';
import { extend, NET } from '../utils/chain.js';
import { chainIn, syncOver, waitUntil } from './support.js';
import { recordPenalties } from '../utils/penalties.js';

// Regression test of issue 12 fault 3 ("fresh nodes cannot sync long chains"): two libp2p hosts over real TCP,
// the server serving the sync protocols with much tighter limits than the published ones, so the client's requests
// (paced to the published limits) are refused again and again. The client must wait and retry, keep the headers it
// has, finish the sync, and neither side may penalise the other.

async function host(): Promise<Awaited<ReturnType<typeof createLibp2p>>> {
  return createLibp2p({ addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] }, transports: [tcp()], connectionEncrypters: [noise()], streamMuxers: [yamux()] });
}

t.test("fault 3: a fresh node paces around a server's refusals, keeps its progress, and nobody is penalised", async (t) => {
  const remote = await chainIn(t);
  const local = await chainIn(t);
  const blocks = 2 * MAX_HEADERS + 100;
  await extend(remote, blocks);

  const serverHost = await host();
  const clientHost = await host();
  t.teardown(async () => {
    await clientHost.stop();
    await serverHost.stop();
  });
  const ids: Record<SyncProtocol, string> = { status: '/t/status/1', headers: '/t/headers/1', blocks: '/t/blocks/1' };
  const limits = protocolLimits(NET, 5_000);
  // Far below the published limits (20 headers and 100 blocks requests a second).
  const server = new SyncServer(
    resolveSyncOptions({ rateLimits: { status: { perSecond: 1, burst: 1 }, headers: { perSecond: 2, burst: 1 }, blocks: { perSecond: 10, burst: 2 } } }),
    { chain: remote, onStatus: () => undefined },
  );
  const serverPenalties: Array<[string, string, number]> = [];
  const refusedByServer: Record<SyncProtocol, number> = { status: 0, headers: 0, blocks: 0 };
  let headersServed = 0;
  for (const p of ['status', 'headers', 'blocks'] as const) {
    const handle = async (req: Parameters<SyncServer['handle']>[1], peer: string): ReturnType<SyncServer['handle']> => {
      const reply = await server.handle(p, req, peer);
      if (p === 'headers') headersServed++;
      return reply;
    };
    const onError = (peer: string, err: ChainNodeError): void => {
      if (err.code === 'P2P_RATE_LIMITED') refusedByServer[p]++;
      if (err.penalty > 0) serverPenalties.push([peer, err.code, err.penalty]);
    };
    await serverHost.handle(ids[p], rpcHandler(ids[p], limits[p], handle, onError), { maxInboundStreams: 8 });
  }
  await clientHost.dial(serverHost.getMultiaddrs()[0]!);

  // The client side as the network wires it: every request paced to the published limits, refusals retried.
  const pacer = new RequestPacer<ProtocolName>(PROTOCOL_RATE_LIMITS);
  const clientPenalties: Array<[string, number, string]> = [];
  const sync = syncOver(
    t,
    local,
    { batchSize: 128 },
    {
      request: (peer, p, message, signal) =>
        pacer.request(peer, p, () => rpcRequest(clientHost, peerIdFromString(peer), ids[p], message, limits[p], signal), signal),
      penalise: recordPenalties((peer, points, reason) => void clientPenalties.push([peer, points, reason])),
    },
  );
  const heights: number[] = [];
  local.on('block:connected', ({ entry }) => heights.push(entry.height));

  sync.peerConnected(serverHost.peerId.toString());
  await waitUntil(() => local.tip.hex === remote.tip.hex, 120_000, 50);

  t.equal(local.height, blocks, 'synced the whole chain');
  t.ok(
    refusedByServer.headers + refusedByServer.blocks > 0,
    `the server refused requests (headers ${refusedByServer.headers}, blocks ${refusedByServer.blocks})`,
  );
  t.ok(pacer.refusals > 0, `the client retried ${pacer.refusals} refused requests`);
  t.same(serverPenalties, [], 'the server penalised no honest request');
  t.same(clientPenalties, [], 'the client penalised no honest server');
  t.same(
    heights,
    Array.from({ length: blocks }, (_, i) => i + 1),
    'every block connected once, in order: no progress thrown away',
  );
  t.equal(headersServed, Math.ceil(blocks / MAX_HEADERS), 'each batch of headers was served once: refusals did not restart the round');
});
