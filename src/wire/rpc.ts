import type { Libp2p, PeerId, Stream, StreamHandler } from '@libp2p/interface';
import { lpStream } from '@libp2p/utils';
import { ChainNodeError } from '../errors.js';
import * as dagCbor from '@ipld/dag-cbor';
import { checkCborDepth, decodeCanonicalFast, encodeCbor, isCborMap, type CborValue } from '../primitives/cbor.js';
import { P2pErrorCode, P2pPenalty, P2pError } from './errors.js';

/**
 * Decode a protocol envelope: well-formed DAG-CBOR (no indefinite lengths, no over-long integers, no trailing
 * bytes), without requiring canonical form. Envelopes are not hashed or signed; the consensus objects they
 * carry (blocks, headers, transactions) are strictly decoded on their own, so checking them here would decode
 * every block twice. The SPEC 2 depth rule is checked first (`DECODE_TOO_DEEP`), as for every decoder.
 */
export function decodeEnvelope(bytes: Uint8Array, what: string): CborValue {
  checkCborDepth(bytes, what);
  // Peers send canonical envelopes: the fast decoder returns byte strings as views (a blocks response carries
  // hundreds of kilobytes, which the general decoder would copy block by block); anything else takes the general path.
  const fast = decodeCanonicalFast(bytes);
  if (fast !== undefined) return fast.value;
  try {
    return dagCbor.decode(bytes) as CborValue;
  } catch (err) {
    throw new P2pError(P2pErrorCode.malformed, `${what}: malformed message: ${(err as Error).message}`, { penalty: P2pPenalty.malformed, cause: err });
  }
}

/** Size and time limits of one request/response protocol. */
export interface RpcLimits {
  /** Largest encoded request. */
  maxRequestBytes: number;
  /** Largest encoded response. */
  maxResponseBytes: number;
  /** Whole exchange, dial included (ms). */
  timeoutMs: number;
}

/** Reply of a handler that refuses a request: `{error: code, message}` on the wire. */
export interface RpcErrorReply {
  error: string;
  message: string;
}

/** The remote answered a request with `{error, message}`: `remoteCode` is its error code (P2P_RATE_LIMITED, ...). */
export class RpcRefusedError extends ChainNodeError {
  constructor(
    readonly remoteCode: string,
    message: string,
  ) {
    super(P2pErrorCode.refused, message);
  }
}

function isErrorReply(v: CborValue): v is { error: string; message: string } {
  return isCborMap(v) && typeof v.error === 'string';
}

// Read buffer: room for one over-long message, so the length prefix check (a clear error reply) fires before the
// buffer overflows (which aborts the stream).
function bufferFor(maxBytes: number): number {
  return 2 * maxBytes + 64;
}

// lpStream/byteStream errors meaning "more bytes than allowed".
const OVERSIZE_ERRORS = new Set(['InvalidDataLengthError', 'InvalidDataLengthLengthError', 'StreamBufferError']);

/**
 * One request/response exchange over a fresh stream: a length-prefixed DAG-CBOR request, then one
 * length-prefixed DAG-CBOR response (strictly decoded, size-limited), all within the timeout. An `{error}` reply
 * becomes P2P_RPC_REFUSED; an oversized or malformed reply carries a penalty for the responder.
 */
export async function rpcRequest(node: Libp2p, peer: PeerId, protocol: string, request: unknown, limits: RpcLimits, signal?: AbortSignal): Promise<CborValue> {
  const timeout = AbortSignal.timeout(limits.timeoutMs);
  const sig = signal === undefined ? timeout : AbortSignal.any([signal, timeout]);
  let stream: Stream | undefined;
  try {
    stream = await node.dialProtocol(peer, protocol, { signal: sig });
    const lp = lpStream(stream, { maxDataLength: limits.maxResponseBytes, maxBufferSize: bufferFor(limits.maxResponseBytes) });
    await lp.write(encodeCbor(request), { signal: sig });
    const raw = await lp.read({ signal: sig });
    void stream.close({ signal: sig }).catch(() => undefined);
    const value = decodeEnvelope(raw.subarray(), `${protocol} response`);
    if (isErrorReply(value)) throw new RpcRefusedError(value.error, `${protocol}: peer refused: ${value.error} ${String(value.message ?? '')}`);
    return value;
  } catch (err) {
    stream?.abort(err instanceof Error ? err : new Error(String(err)));
    if (err instanceof ChainNodeError) throw err;
    if (timeout.aborted) throw new P2pError(P2pErrorCode.timeout, `${protocol}: no response within ${limits.timeoutMs} ms`, { penalty: P2pPenalty.timeout });
    const name = (err as Error).name;
    if (OVERSIZE_ERRORS.has(name)) {
      throw new P2pError(P2pErrorCode.oversized, `${protocol}: response larger than ${limits.maxResponseBytes} bytes`, {
        penalty: P2pPenalty.malformed,
        cause: err,
      });
    }
    throw new P2pError(P2pErrorCode.failed, `${protocol}: ${(err as Error).message}`, { cause: err });
  }
}

/** A reply a handler has already encoded (canonical DAG-CBOR), sent as it is. */
export class EncodedReply {
  constructor(readonly bytes: Uint8Array) {}
}

/** What a protocol handler does with a decoded request: its reply, or a thrown ChainNodeError. */
export type RpcHandle = (request: CborValue, peer: string) => Promise<unknown>;

/**
 * A libp2p stream handler for one request/response protocol: reads one size-limited request, strictly decodes it,
 * runs `handle` and writes its reply, all within the timeout. A thrown ChainNodeError is sent back as
 * `{error, message}` and reported to `onError` (which applies its penalty to the peer).
 */
export function rpcHandler(protocol: string, limits: RpcLimits, handle: RpcHandle, onError: (peer: string, err: ChainNodeError) => void): StreamHandler {
  return async (stream, connection) => {
    const peer = connection.remotePeer.toString();
    const signal = AbortSignal.timeout(limits.timeoutMs);
    const lp = lpStream(stream, { maxDataLength: limits.maxRequestBytes, maxBufferSize: bufferFor(limits.maxRequestBytes) });
    try {
      let reply: unknown;
      try {
        const raw = await lp.read({ signal });
        reply = await handle(decodeEnvelope(raw.subarray(), `${protocol} request`), peer);
      } catch (err) {
        const e = toChainNodeError(err, protocol, limits);
        onError(peer, e);
        reply = { error: e.code, message: e.message } satisfies RpcErrorReply;
      }
      await lp.write(reply instanceof EncodedReply ? reply.bytes : encodeCbor(reply), { signal });
      await stream.close({ signal });
    } catch (err) {
      stream.abort(err instanceof Error ? err : new Error(String(err)));
    }
  };
}

function toChainNodeError(err: unknown, protocol: string, limits: RpcLimits): ChainNodeError {
  if (err instanceof ChainNodeError) return err;
  const name = (err as Error).name;
  if (OVERSIZE_ERRORS.has(name)) {
    return new P2pError(P2pErrorCode.oversized, `${protocol}: request larger than ${limits.maxRequestBytes} bytes`, { penalty: P2pPenalty.malformed });
  }
  if (name === 'AbortError' || name === 'TimeoutError') return new P2pError(P2pErrorCode.timeout, `${protocol}: request not received in time`);
  return new P2pError(P2pErrorCode.failed, `${protocol}: ${(err as Error).message}`);
}
