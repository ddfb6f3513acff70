import type { Chain } from '../chain/chain.js';
import { ChainNodeError, Penalty } from '../errors.js';
import { P2pErrorCode, P2pPenalty, P2pError } from '../wire/errors.js';
import { bytesEqual } from '../util/bytes.js';
import type { CborValue } from '../primitives/cbor.js';
import { BlockHeader } from '../primitives/header.js';
import { validateHeaders, type HeaderLink, type HeaderNode } from './headers.js';
import { buildLocator } from './locator.js';
import { decodeHeaders, MAX_HEADERS, MAX_LOCATOR, type ChainStatus } from './messages.js';

/**
 * Headers fetched in one round before its blocks are downloaded: a long sync proceeds in rounds, so blocks start
 * arriving after a few seconds instead of after every header of a long chain (and memory stays bounded). A branch
 * the chain would follow forks at most `sideBranches.maxDepth` (1,000) below the tip, well within one round.
 */
export const MAX_ROUND_HEADERS = 32_000;

/** Outcome of {@link fetchHeaderChain}. */
export interface HeaderChainResult {
  /** Validated headers past the fork with our chain, in order. */
  headers: HeaderNode[];
  /** Why fetching stopped early (a transport failure after some headers arrived): they are kept, not thrown away. */
  error?: unknown;
  /** True when the peer's answers ended (a short batch): the headers are all it has past the fork. */
  complete: boolean;
}

/**
 * Fetch a peer's header chain past our tip by locator, `MAX_HEADERS` at a time, validating each batch as it
 * arrives (linkage, proof of work, ASERT bits, time: {@link validateHeaders}) and skipping headers of blocks we
 * already store. Stops at a short batch, after a round's worth of headers (or the peer's reported height plus
 * slack), or if the peer switches branches between two requests. Throws BlockError / ChainNodeError (with the
 * sender's penalty) on bad headers; a request that fails for another reason (timeout, refusal, closed stream) ends
 * the fetch with the headers validated so far (thrown only when there are none).
 */
export async function fetchHeaderChain(
  chain: Chain,
  status: ChainStatus,
  ask: (locator: Uint8Array[]) => Promise<CborValue>,
  now: () => number = Date.now,
): Promise<HeaderChainResult> {
  const tree = chain.tree;
  const out: HeaderNode[] = [];
  let parent: HeaderLink | undefined;
  let locator = buildLocator(tree, tree.tip);
  const cap = Math.min(MAX_ROUND_HEADERS, Math.max(0, status.height - chain.height) + 2 * MAX_HEADERS);
  for (;;) {
    let reply: CborValue;
    try {
      reply = await ask(locator);
    } catch (err) {
      if (out.length === 0 || (err instanceof ChainNodeError && err.penalty >= P2pPenalty.malformed)) throw err;
      return { headers: out, error: err, complete: false };
    }
    const headers = decodeHeaders(reply, MAX_HEADERS).map((b) => BlockHeader.decode(b));
    if (headers.length === 0) return { headers: out, complete: true };
    let start = 0;
    if (parent === undefined) {
      while (start < headers.length && chain.hasBlock(headers[start]!.hash)) start++;
      parent = tree.get(start === headers.length ? headers[start - 1]!.hash : headers[start]!.prevHash);
      if (parent === undefined) throw new P2pError(P2pErrorCode.malformed, 'headers reply does not connect to our chain', { penalty: P2pPenalty.malformed });
      // A branch off below the latest final checkpoint is never fetched (SPEC 12). A minority-branch peer may serve
      // it honestly until it learns of the final checkpoint: a low penalty.
      if (start < headers.length && chain.conflictsFinal(tree.get(parent.hash)!)) {
        throw new P2pError(P2pErrorCode.conflictsFinal, `headers on a branch that conflicts with the final block at height ${chain.finalNode!.height}`, {
          penalty: Penalty.low,
        });
      }
    } else if (!bytesEqual(headers[0]!.prevHash, parent.hash)) {
      // The peer switched branches between two requests: work with what we have, the next round catches up.
      return { headers: out, complete: false };
    }
    const nodes = validateHeaders(chain.ctx, parent, headers.slice(start), Math.floor(now() / 1000), (hex) => chain.invalidReason(hex));
    for (const n of nodes) out.push(n);
    parent = nodes.at(-1) ?? parent;
    if (headers.length < MAX_HEADERS) return { headers: out, complete: true };
    if (out.length >= cap) return { headers: out, complete: false };
    locator = [parent.hash, ...buildLocator(tree, tree.tip)].slice(0, MAX_LOCATOR);
  }
}
