import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChainNodeError } from '../errors.js';
import { checkBits } from './compact.js';
import { getNetwork, type NetworkParams } from './networks.js';
import { compactToTarget } from './compact.js';

/** JSON form of a custom network (written by `chain-node init`): like NetworkParams, extra as hex. */
export interface NetworkFileJson {
  name: string;
  genesis: { version: number; time: number; bits: number; nonce: number; meta: { height: 0; miner?: string; extra: string } };
  targetSpacing: number;
  halfLife: number;
  powLimitBits: number;
  maxBlockBytes: number;
  maxTxBytes: number;
  maxFutureDrift: number;
  ports: { p2p: number; api: number };
}

const bad = (msg: string): never => {
  throw new ChainNodeError('NETWORK_FILE_INVALID', msg);
};

function posInt(v: unknown, what: string, max = Number.MAX_SAFE_INTEGER): number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v > 0 && v <= max ? v : bad(`${what} must be a positive integer`);
}

/** Validate a parsed network JSON and turn it into NetworkParams. */
export function networkFromJson(j: unknown): NetworkParams {
  if (typeof j !== 'object' || j === null) bad('network file must hold a JSON object');
  const n = j as NetworkFileJson;
  if (typeof n.name !== 'string' || !/^[a-z0-9][a-z0-9-]{0,31}$/.test(n.name)) bad('name must be 1-32 chars of a-z, 0-9 and -');
  const g = n.genesis;
  if (typeof g !== 'object' || g === null) bad('genesis is missing');
  const extraHex =
    typeof g.meta?.extra === 'string' && /^([0-9a-f]{2}){0,32}$/.test(g.meta.extra) ? g.meta.extra : bad('genesis.meta.extra must be hex of at most 32 bytes');
  if (g.meta.miner !== undefined && (typeof g.meta.miner !== 'string' || Buffer.byteLength(g.meta.miner) > 64))
    bad('genesis.meta.miner must be a string of at most 64 bytes');
  const powLimitBits = posInt(n.powLimitBits, 'powLimitBits', 0xffffffff);
  const powLimit = compactToTarget(powLimitBits);
  checkBits(posInt(g.bits, 'genesis.bits', 0xffffffff), powLimit);
  if (typeof g.nonce !== 'number' || !Number.isInteger(g.nonce) || g.nonce < 0 || g.nonce > 0xffffffff) bad('genesis.nonce must be a u32');
  const params: NetworkParams = {
    name: n.name,
    genesis: {
      version: posInt(g.version, 'genesis.version', 0xffffffff),
      time: posInt(g.time, 'genesis.time', 0xffffffff),
      bits: g.bits,
      nonce: g.nonce,
      meta: { height: 0, extra: new Uint8Array(Buffer.from(extraHex, 'hex')), ...(g.meta.miner === undefined ? {} : { miner: g.meta.miner }) },
    },
    targetSpacing: posInt(n.targetSpacing, 'targetSpacing'),
    halfLife: posInt(n.halfLife, 'halfLife'),
    powLimitBits,
    maxBlockBytes: posInt(n.maxBlockBytes, 'maxBlockBytes'),
    maxTxBytes: posInt(n.maxTxBytes, 'maxTxBytes'),
    maxFutureDrift: posInt(n.maxFutureDrift, 'maxFutureDrift'),
    ports: { p2p: posInt(n.ports?.p2p, 'ports.p2p', 65535), api: posInt(n.ports?.api, 'ports.api', 65535) },
    protocolPrefix: `/chain-node/${n.name}`,
  };
  return Object.freeze(params);
}

/** JSON form of network parameters. */
export function networkToJson(p: NetworkParams): NetworkFileJson {
  const { protocolPrefix: _prefix, miningByDefault: _mining, minBlockIntervalMs: _interval, ...rest } = p;
  const meta = {
    height: 0 as const,
    extra: Buffer.from(p.genesis.meta.extra).toString('hex'),
    ...(p.genesis.meta.miner === undefined ? {} : { miner: p.genesis.meta.miner }),
  };
  return { ...rest, genesis: { ...p.genesis, meta } };
}

/** Read a custom network file; undefined when it does not exist. */
export function loadNetworkFile(path: string): NetworkParams | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ChainNodeError('NETWORK_FILE_INVALID', `cannot read network file ${path}: ${(err as Error).message}`);
  }
  try {
    return networkFromJson(JSON.parse(text));
  } catch (err) {
    if (err instanceof ChainNodeError) throw new ChainNodeError(err.code, `${path}: ${err.message}`);
    throw new ChainNodeError('NETWORK_FILE_INVALID', `${path}: ${(err as Error).message}`);
  }
}

/** A custom network from `<networksDir>/<name>.json` when that file exists, else the built-in one (NETWORK_UNKNOWN). */
export function resolveNetwork(name: string, networksDir: string): NetworkParams {
  return loadNetworkFile(join(networksDir, `${name}.json`)) ?? getNetwork(name);
}
