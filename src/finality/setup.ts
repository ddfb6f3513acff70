import { join } from 'node:path';
import type { Logger } from 'pino';
import { type Chain } from '../chain/chain.js';
import { majority } from '../consensus/anchored-proof.js';
import { finalityDepthOf, type NetworkParams } from '../consensus/networks.js';
import { ChainNodeError } from '../errors.js';
import { logOrigin } from '../log/checkpoint.js';
import { parseVerifierKey } from '../log/note.js';
import { Finality } from './finality.js';
import { FINALITY_FILE } from './state-file.js';
import { loadOrCreateWitnessKey } from './witness-key.js';
import { witnessKeysFrom } from './witness-list.js';

/** The `finality` configuration group (src/config/schema.ts). */
export interface FinalityConfig {
  witnesses: string[];
  witnessThreshold: number;
  depth: number;
}

/**
 * Build the finality engine of a node: its witness key (created on first use), the witness set (the node's own
 * key with k = 1 when none is configured), the threshold (default majority) and depth (default the network's).
 */
export async function openFinality(
  cfg: FinalityConfig,
  ctx: { datadir: string; network: NetworkParams; chain: Chain; logger?: Logger; now?: () => number; p2p?: boolean },
): Promise<Finality> {
  const { signer, created, path } = await loadOrCreateWitnessKey(ctx.datadir, ctx.network.name);
  const log = ctx.logger?.child({ module: 'finality' });
  if (created) log?.info({ file: path, key: signer.vkey }, 'witness key created');
  let witnesses;
  try {
    witnesses = cfg.witnesses.length === 0 ? [parseVerifierKey(signer.vkey)] : witnessKeysFrom(cfg.witnesses);
  } catch (err) {
    if (err instanceof ChainNodeError && err.code === 'WITNESS_FILE_UNREADABLE') throw err;
    throw new ChainNodeError('CONFIG_INVALID', `finality.witnesses: ${(err as Error).message}`);
  }
  if (cfg.witnesses.length === 0 && ctx.p2p === true) {
    log?.warn(
      'no witness set configured: this node finalises its own chain (k = 1); nodes of one network must share a witness set (finality.witnesses) or they split at their first fork',
    );
  }
  const threshold = cfg.witnessThreshold === 0 ? majority(witnesses.length) : cfg.witnessThreshold;
  if (threshold > witnesses.length) {
    throw new ChainNodeError('CONFIG_INVALID', `finality.witnessThreshold ${threshold} exceeds the ${witnesses.length} witness(es) configured`);
  }
  if (threshold * 2 <= witnesses.length)
    log?.warn({ threshold, witnesses: witnesses.length }, 'a witness threshold of half the set or less allows two conflicting final checkpoints');
  const depth = cfg.depth === 0 ? finalityDepthOf(ctx.network) : cfg.depth;
  const origin = logOrigin(ctx.network.name, ctx.chain.tree.atHeight(0)!.header.hashHex);
  const f = await Finality.open(
    { origin, witnesses, threshold, depth, statePath: join(ctx.datadir, FINALITY_FILE) },
    { chain: ctx.chain, signer, ...(ctx.logger === undefined ? {} : { logger: ctx.logger }), ...(ctx.now === undefined ? {} : { now: ctx.now }) },
  );
  log?.info({ key: signer.vkey, witness: f.isWitness, witnesses: witnesses.length, threshold, depth }, 'finality ready');
  return f;
}
