import { ChainNodeError } from '../errors.js';
import { Block } from '../primitives/block.js';
import { BlockHeader } from '../primitives/header.js';
import { type BlockMeta } from '../primitives/meta.js';
import { leafHash } from '../crypto/merkle.js';
import { encodeMeta } from '../primitives/meta.js';
import { compactToTarget } from './compact.js';

/** Genesis block parameters: the block is rebuilt from these and must satisfy its own proof of work. */
export interface GenesisParams {
  version: number;
  time: number;
  bits: number;
  nonce: number;
  meta: BlockMeta;
}

/** A named network: consensus parameters plus genesis and defaults (SPEC 8). */
export interface NetworkParams {
  name: string;
  genesis: GenesisParams;
  /** Target seconds between blocks (ASERT). */
  targetSpacing: number;
  /** ASERT half-life in seconds. */
  halfLife: number;
  /** Compact form of the easiest allowed target. */
  powLimitBits: number;
  maxBlockBytes: number;
  maxTxBytes: number;
  /** Seconds a block's time may be ahead of the local clock. */
  maxFutureDrift: number;
  ports: { p2p: number; api: number };
  /** libp2p protocol and topic prefix, e.g. `/chain-node/devnet`. */
  protocolPrefix: string;
  /** Witnesses sign the header log checkpoint of size `tip height + 1 - finalityDepth` (SPEC 12; default 1). */
  finalityDepth?: number;
  /** Node policy, not consensus (never in network files): mining is on unless configured off. Absent: off. */
  miningByDefault?: boolean;
  /** Node policy, not consensus: least milliseconds between two blocks this node mines. Absent: 0. */
  minBlockIntervalMs?: number;
}

/** The finality depth of a network (SPEC 12). */
export function finalityDepthOf(params: NetworkParams): number {
  return params.finalityDepth ?? 1;
}

const enc = new TextEncoder();

function preset(p: Omit<NetworkParams, 'protocolPrefix'>): NetworkParams {
  return Object.freeze({ ...p, protocolPrefix: `/chain-node/${p.name}` });
}

/**
 * Built-in networks. Their genesis times lie in the past, so ASERT (anchored at genesis) sits at `powLimit`
 * until a chain catches up with its schedule: devnet and regtest are fixed-difficulty in practice, which is what
 * a development chain wants. A real deployment sets its genesis time at launch (`chain-node init`).
 */
export const NETWORKS: Readonly<Record<string, NetworkParams>> = Object.freeze({
  /** Default development network: a CPU miner makes a block every couple of seconds (~2^25 hashes each). */
  devnet: preset({
    name: 'devnet',
    genesis: {
      version: 1,
      time: 1767225600,
      bits: 0x1d7fffff,
      nonce: 34506624,
      meta: { height: 0, miner: 'chain-node genesis', extra: enc.encode('devnet 2026-01-01') },
    },
    targetSpacing: 2,
    halfLife: 60,
    powLimitBits: 0x1d7fffff,
    maxBlockBytes: 4 * 1024 * 1024,
    maxTxBytes: 64 * 1024,
    maxFutureDrift: 7200,
    ports: { p2p: 17333, api: 17332 },
    finalityDepth: 1,
    miningByDefault: true,
  }),
  /** Production-like parameters: one-minute blocks, two-day ASERT half-life. */
  main: preset({
    name: 'main',
    genesis: {
      version: 1,
      time: 1772323200,
      bits: 0x1e00ffff,
      nonce: 2687904,
      meta: { height: 0, miner: 'chain-node genesis', extra: enc.encode('main 2026-03-01') },
    },
    targetSpacing: 60,
    halfLife: 172800,
    powLimitBits: 0x1e00ffff,
    maxBlockBytes: 4 * 1024 * 1024,
    maxTxBytes: 64 * 1024,
    maxFutureDrift: 7200,
    ports: { p2p: 7333, api: 7332 },
    finalityDepth: 6,
  }),
  /** Regression-test network: minimum difficulty (about two hashes a block), for tests and scripted clusters. */
  regtest: preset({
    name: 'regtest',
    genesis: { version: 1, time: 1767225600, bits: 0x207fffff, nonce: 1, meta: { height: 0, miner: 'chain-node genesis', extra: enc.encode('regtest') } },
    targetSpacing: 1,
    halfLife: 3600,
    powLimitBits: 0x207fffff,
    maxBlockBytes: 4 * 1024 * 1024,
    maxTxBytes: 64 * 1024,
    maxFutureDrift: 7200,
    ports: { p2p: 27333, api: 27332 },
    finalityDepth: 1,
    miningByDefault: true,
    // Minimum difficulty mines a block in microseconds: pace them so a regtest chain stays readable.
    minBlockIntervalMs: 1_000,
  }),
});

/** Name of the default network. */
export const DEFAULT_NETWORK = 'devnet';

/** Look up a built-in network; throws NETWORK_UNKNOWN. */
export function getNetwork(name: string): NetworkParams {
  const n = Object.hasOwn(NETWORKS, name) ? NETWORKS[name] : undefined;
  if (n === undefined) throw new ChainNodeError('NETWORK_UNKNOWN', `unknown network '${name}' (built in: ${Object.keys(NETWORKS).join(', ')})`);
  return n;
}

/** The easiest allowed target of a network. */
export function powLimit(params: NetworkParams): bigint {
  return compactToTarget(params.powLimitBits);
}

/** Build the genesis block of a network from its parameters. */
export function genesisBlock(params: NetworkParams): Block {
  const g = params.genesis;
  const header = BlockHeader.from({
    version: g.version,
    prevHash: new Uint8Array(32),
    merkleRoot: leafHash(encodeMeta(g.meta)),
    time: g.time,
    bits: g.bits,
    nonce: g.nonce,
  });
  return new Block(header, g.meta, []);
}

const genesisCache = new WeakMap<NetworkParams, Uint8Array>();

/** Genesis block hash of a network (natural order): the `chain` id every transaction carries. */
export function chainId(params: NetworkParams): Uint8Array {
  let id = genesisCache.get(params);
  if (id === undefined) {
    id = genesisBlock(params).hash;
    genesisCache.set(params, id);
  }
  return id;
}
