import { ChainNodeError } from '../errors.js';
import { compactToTarget } from '../consensus/compact.js';
import { networkFromJson, networkToJson, type NetworkFileJson } from '../consensus/network-file.js';
import { genesisBlock, NETWORKS, type NetworkParams } from '../consensus/networks.js';
import { checkProofOfWork } from '../consensus/pow.js';
import type { MiningBackend } from '../mining/backend.js';

/**
 * A genesis file for `chain-node init`: the network's name and parameters. Omitted fields take defaults:
 * `time` now, `bits` = `powLimitBits`, limits like devnet's, ports 18333 (p2p) / 18332 (api), miner
 * "chain-node genesis", extra = the name. Bits may be numbers or hex strings ("0x1f00ffff"). The limits may
 * also be given in a `limits` object.
 */
export interface GenesisSpec {
  name: string;
  time?: number;
  bits?: number | string;
  powLimitBits: number | string;
  targetSpacing: number;
  halfLife: number;
  maxBlockBytes?: number;
  maxTxBytes?: number;
  maxFutureDrift?: number;
  limits?: { maxBlockBytes?: number; maxTxBytes?: number; maxFutureDrift?: number };
  ports?: { p2p?: number; api?: number };
  miner?: string;
  /** UTF-8 text (at most 32 bytes) written into the genesis meta's `extra`. */
  extra?: string;
  version?: number;
}

const bad = (msg: string): never => {
  throw new ChainNodeError('GENESIS_INVALID', `genesis file: ${msg}`);
};

function bitsOf(v: unknown, what: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^(0x)?[0-9a-fA-F]{1,8}$/.test(v)) return parseInt(v.replace(/^0x/, ''), 16);
  return bad(`${what} must be a number or a hex string like "0x1f00ffff"`);
}

/** Turn a parsed genesis spec into a network file with nonce 0 (validated by `networkFromJson`). */
export function networkJsonFromSpec(value: unknown, now: () => number = Date.now): NetworkFileJson {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return bad('must hold a JSON object');
  const s = value as Partial<GenesisSpec>;
  if (typeof s.name !== 'string') return bad('name is required');
  if (Object.hasOwn(NETWORKS, s.name)) bad(`'${s.name}' is a built-in network; choose another name`);
  const powLimitBits = bitsOf(s.powLimitBits, 'powLimitBits');
  const extra = s.extra ?? s.name;
  if (Buffer.byteLength(extra) > 32) bad('extra must be at most 32 bytes of UTF-8');
  const json: NetworkFileJson = {
    name: s.name,
    genesis: {
      version: s.version ?? 1,
      time: s.time ?? Math.floor(now() / 1000),
      bits: s.bits === undefined ? powLimitBits : bitsOf(s.bits, 'bits'),
      nonce: 0,
      meta: { height: 0, miner: s.miner ?? 'chain-node genesis', extra: Buffer.from(extra, 'utf8').toString('hex') },
    },
    targetSpacing: s.targetSpacing as number,
    halfLife: s.halfLife as number,
    powLimitBits,
    maxBlockBytes: s.maxBlockBytes ?? s.limits?.maxBlockBytes ?? 4 * 1024 * 1024,
    maxTxBytes: s.maxTxBytes ?? s.limits?.maxTxBytes ?? 64 * 1024,
    maxFutureDrift: s.maxFutureDrift ?? s.limits?.maxFutureDrift ?? 7200,
    ports: { p2p: s.ports?.p2p ?? 18333, api: s.ports?.api ?? 18332 },
  };
  try {
    networkFromJson(json);
  } catch (err) {
    if (err instanceof ChainNodeError) bad(err.message);
    throw err;
  }
  return json;
}

/** Outcome of {@link mineGenesis}. */
export interface MinedGenesis {
  network: NetworkParams;
  hashes: number;
  seconds: number;
  backend: string;
}

/**
 * Find the genesis nonce with a mining backend: search the 32-bit nonce space; when it holds no solution, bump
 * the genesis time by one second and search again.
 */
export async function mineGenesis(json: NetworkFileJson, backend: MiningBackend, signal?: AbortSignal): Promise<MinedGenesis> {
  const t0 = performance.now();
  let hashes = 0;
  const target = compactToTarget(json.genesis.bits);
  let current = json;
  for (;;) {
    const header = genesisBlock(networkFromJson({ ...current, genesis: { ...current.genesis, nonce: 0 } })).header.bytes;
    const r = await backend.search(header, target, 0, 2 ** 32, signal === undefined ? {} : { signal });
    hashes += r.hashes;
    if (r.aborted === true) throw new ChainNodeError('CANCELLED', 'genesis mining cancelled');
    if (r.nonce !== null) {
      const network = networkFromJson({ ...current, genesis: { ...current.genesis, nonce: r.nonce } });
      if (!checkProofOfWork(genesisBlock(network).header.bytes, compactToTarget(network.powLimitBits))) {
        throw new ChainNodeError('MINING_BACKEND_FAILED', `backend ${backend.name} returned nonce ${r.nonce}, which does not meet the target`);
      }
      return { network, hashes, seconds: (performance.now() - t0) / 1000, backend: backend.name };
    }
    current = { ...current, genesis: { ...current.genesis, time: current.genesis.time + 1 } };
  }
}

export { networkToJson };
