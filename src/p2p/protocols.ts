import type { NetworkParams } from '../consensus/networks.js';
import { MAX_BLOCKS_RESPONSE_BYTES } from '../sync/messages.js';
import type { SyncProtocol } from '../sync/server.js';
import type { RpcLimits } from '../wire/rpc.js';

/** The request/response protocols a node serves. */
export type ProtocolName = SyncProtocol | 'getblocktxn';

/** Protocol ids under the network prefix: `/chain-node/<network>/<name>/1`. */
export function protocolIds(params: NetworkParams): Record<ProtocolName, string> {
  const p = params.protocolPrefix;
  return { status: `${p}/status/1`, headers: `${p}/headers/1`, blocks: `${p}/blocks/1`, getblocktxn: `${p}/getblocktxn/1` };
}

/** Size limits and timeouts of each protocol. */
export function protocolLimits(params: NetworkParams, compactTimeoutMs: number): Record<ProtocolName, RpcLimits> {
  const blockSized = params.maxBlockBytes + 64 * 1024;
  return {
    status: { maxRequestBytes: 512, maxResponseBytes: 512, timeoutMs: 10_000 },
    headers: { maxRequestBytes: 4 * 1024, maxResponseBytes: 256 * 1024, timeoutMs: 15_000 },
    blocks: { maxRequestBytes: 8 * 1024, maxResponseBytes: Math.max(MAX_BLOCKS_RESPONSE_BYTES + 64 * 1024, blockSized), timeoutMs: 30_000 },
    getblocktxn: { maxRequestBytes: 256 * 1024, maxResponseBytes: blockSized, timeoutMs: compactTimeoutMs },
  };
}
