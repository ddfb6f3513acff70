import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import { closest, distance } from 'fastest-levenshtein';
import { ChainNodeError } from '../errors.js';
import { getNetwork, type NetworkParams } from '../consensus/networks.js';
import { API_DEFAULTS } from '../api/options.js';
import { MEMPOOL_DEFAULTS } from '../mempool/options.js';
import { MEMPOOL_SAVE_DEFAULTS } from '../mempool/persist.js';
import { MINER_DEFAULTS } from '../mining/miner.js';
import { CONFIG_KEYS, type ConfigKey, type NodeConfig } from './schema.js';

/** Where an effective value came from. */
export type ConfigSource = 'default' | 'file' | 'env' | 'flag';

/** Resolved configuration with the source of every key. */
export interface ResolvedConfig {
  config: NodeConfig;
  /** Parameters of `config.network` (built in, or the custom network file it names). */
  network: NetworkParams;
  sources: Record<string, ConfigSource>;
  /** The config file that was read, if any. */
  file: string | undefined;
  /** Keys of the config file that no setting has (ignored; refused with `strict`). */
  unknownKeys: UnknownConfigKey[];
}

/** A config-file key that is not a setting, with the nearest real one when it looks like a misspelling. */
export interface UnknownConfigKey {
  key: string;
  suggestion?: string;
}

/** Inputs of resolution; the bin layer passes process.env and parsed flags. */
export interface ResolveInput {
  flags: Record<string, unknown>;
  env: Record<string, string | undefined>;
  /** Explicit --config path. */
  configPath?: string;
  /** Home directory for the default data directory. */
  home?: string;
  /** Refuse unknown config-file keys (CONFIG_UNKNOWN_KEY) instead of reporting them in `unknownKeys`. */
  strict?: boolean;
  /** Custom networks (from `init`) by name, looked up in `<base>/networks/<name>.json`. */
  loadNetwork?: (name: string, baseDir: string) => NetworkParams | undefined;
}

/** Preset defaults of a network (before any file, environment or flag). */
export function defaultConfig(net: NetworkParams, datadir: string): NodeConfig {
  return {
    network: net.name,
    datadir,
    api: {
      enabled: true,
      host: API_DEFAULTS.host,
      port: net.ports.api,
      cors: [...API_DEFAULTS.cors],
      rateLimitPerMinute: API_DEFAULTS.rateLimitPerMinute,
      bodyLimitBytes: API_DEFAULTS.bodyLimitBytes,
      allowedHosts: [...API_DEFAULTS.allowedHosts],
      maxConnections: API_DEFAULTS.maxConnections,
      requestTimeoutMs: API_DEFAULTS.requestTimeoutMs,
      sseMaxClients: API_DEFAULTS.sse.maxClients,
      sseMaxClientsPerAddress: API_DEFAULTS.sse.maxClientsPerAddress,
      sseMaxBufferBytes: API_DEFAULTS.sse.maxBufferBytes,
      sseHistoryBlocks: 10_000,
      explorer: true,
      requireAuth: false,
      tokenRateLimitPerMinute: 6_000,
      tlsCert: '',
      tlsKey: '',
      jwtAlg: '',
      jwtKeyFile: '',
      jwtIssuer: '',
      jwtAudience: '',
      jwtScopeClaim: 'scope',
    },
    p2p: {
      enabled: true,
      host: '0.0.0.0',
      port: net.ports.p2p,
      bootstrap: [],
      mdns: true,
      announce: [],
      maxPeers: 50,
      maxInboundPerAddress: 8,
      loopbackLimits: false,
    },
    mining: {
      enabled: net.miningByDefault ?? false,
      backend: 'auto',
      threads: 0,
      minerTag: MINER_DEFAULTS.minerTag,
      maxBlockTxs: MINER_DEFAULTS.maxBlockTxs,
      cpuPath: 'auto',
      cpuHide: [],
    },
    log: { level: 'info', file: '', pretty: 'auto', statusInterval: 60 },
    mempool: {
      maxCount: MEMPOOL_DEFAULTS.maxCount,
      maxBytes: MEMPOOL_DEFAULTS.maxBytes,
      saveIntervalMs: MEMPOOL_SAVE_DEFAULTS.intervalMs,
      maxPerActor: MEMPOOL_DEFAULTS.maxPerActor,
    },
    finality: { witnesses: [], witnessThreshold: 0, depth: 0 },
    kinds: { schemaFiles: [], enforceGossip: false },
    query: { aggregateKinds: ['metric'] },
    webhooks: {
      enabled: true,
      allowPrivateTargets: false,
      maxAttempts: 12,
      backoffBaseMs: 1_000,
      backoffMaxMs: 10 * 60_000,
      timeoutMs: 10_000,
      concurrency: 16,
      logSize: 100,
    },
    keys: { passphraseFile: '', metricsKey: '', signWaitMs: 10_000, maxQueue: 200_000 },
  };
}

function coerce(key: ConfigKey, raw: unknown, source: string): unknown {
  const bad = (): never => {
    throw new ChainNodeError(
      'CONFIG_INVALID',
      `${source}: '${key.path}' must be ${key.type === 'int' ? 'an integer' : key.type === 'bool' ? 'true or false' : key.type === 'list' ? 'a list' : 'a string'}`,
    );
  };
  switch (key.type) {
    case 'string':
      return typeof raw === 'string' ? raw : bad();
    case 'int': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw.trim()) ? Number(raw) : NaN;
      if (key.max !== undefined && Number.isSafeInteger(n) && n > key.max) {
        throw new ChainNodeError('CONFIG_INVALID', `${source}: '${key.path}' must be an integer from 0 to ${key.max}, got ${n}`);
      }
      return Number.isSafeInteger(n) && n >= 0 ? n : bad();
    }
    case 'bool':
      if (typeof raw === 'boolean') return raw;
      if (typeof raw === 'string' && /^(1|true|yes|on)$/i.test(raw)) return true;
      if (typeof raw === 'string' && /^(0|false|no|off)$/i.test(raw)) return false;
      return bad();
    case 'list':
      if (Array.isArray(raw) && raw.every((x) => typeof x === 'string')) return raw.filter((x) => x.length > 0);
      if (typeof raw === 'string')
        return raw
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s.length > 0);
      return bad();
  }
}

function getPath(obj: Record<string, unknown>, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (typeof cur !== 'object' || cur === null || !Object.hasOwn(cur, part)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function setPath(obj: object, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur = obj as Record<string, unknown>;
  for (const part of parts.slice(0, -1)) cur = cur[part] as Record<string, unknown>;
  cur[parts[parts.length - 1]!] = value;
}

const KEY_PATHS = CONFIG_KEYS.map((k) => k.path);
const SECTIONS = new Set(
  KEY_PATHS.flatMap((p) =>
    p
      .split('.')
      .slice(0, -1)
      .map((_, i, parts) => parts.slice(0, i + 1).join('.')),
  ),
);

/** Dotted paths of the file's keys that are neither a setting nor a section holding settings. */
export function findUnknownKeys(values: Record<string, unknown>, prefix = ''): UnknownConfigKey[] {
  const out: UnknownConfigKey[] = [];
  for (const [name, value] of Object.entries(values)) {
    const path = prefix === '' ? name : `${prefix}.${name}`;
    if (KEY_PATHS.includes(path)) continue;
    if (SECTIONS.has(path) && typeof value === 'object' && value !== null && !Array.isArray(value)) {
      out.push(...findUnknownKeys(value as Record<string, unknown>, path));
      continue;
    }
    const near = closest(path, KEY_PATHS);
    // A misspelling is a few edits away; anything further gets no suggestion.
    out.push(distance(path, near) <= Math.max(2, Math.floor(path.length / 4)) ? { key: path, suggestion: near } : { key: path });
  }
  return out;
}

/** "unknown key 'api.prot' (did you mean 'api.port'?)" */
export function describeUnknownKey(u: UnknownConfigKey): string {
  return `unknown key '${u.key}'${u.suggestion === undefined ? '' : ` (did you mean '${u.suggestion}'?)`}`;
}

/** Base directory holding every network's data directory: `~/.chain-node`. */
export function baseDir(home: string): string {
  return join(home, '.chain-node');
}

/**
 * Resolve the effective configuration: network preset defaults, then the config file (`--config`, else
 * `<datadir>/config.json` when present), then `CHAIN_NODE_*` environment variables, then flags.
 */
export function resolveConfig(input: ResolveInput): ResolvedConfig {
  const home = input.home ?? homedir();
  const flagNet = input.flags.network;
  const networkName = typeof flagNet === 'string' ? flagNet : (input.env.CHAIN_NODE_NETWORK ?? 'devnet');
  const net = input.loadNetwork?.(networkName, baseDir(home)) ?? getNetwork(networkName);
  const flagDir = input.flags.datadir;
  const datadir = resolvePath(typeof flagDir === 'string' ? flagDir : (input.env.CHAIN_NODE_DATADIR ?? join(baseDir(home), net.name)));
  const config = defaultConfig(net, datadir);
  const sources: Record<string, ConfigSource> = {};
  for (const k of CONFIG_KEYS) sources[k.path] = 'default';

  const file = input.configPath ?? join(datadir, 'config.json');
  let fileValues: Record<string, unknown> | undefined;
  try {
    fileValues = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    if (!missing || input.configPath !== undefined) throw new ChainNodeError('CONFIG_INVALID', `cannot read config file ${file}: ${(err as Error).message}`);
  }
  if (fileValues !== undefined && (typeof fileValues !== 'object' || fileValues === null || Array.isArray(fileValues))) {
    throw new ChainNodeError('CONFIG_INVALID', `config file ${file} must hold a JSON object`);
  }
  const unknownKeys = fileValues === undefined ? [] : findUnknownKeys(fileValues);
  if (input.strict === true && unknownKeys.length > 0) {
    throw new ChainNodeError(
      'CONFIG_UNKNOWN_KEY',
      `config file ${file}: ${unknownKeys.map(describeUnknownKey).join(', ')} (--strict-config refuses unknown keys)`,
    );
  }
  for (const k of CONFIG_KEYS) {
    const layers: [ConfigSource, unknown, string][] = [
      ['file', fileValues === undefined ? undefined : getPath(fileValues, k.path), `config file ${file}`],
      ['env', input.env[k.env], `environment ${k.env}`],
      ['flag', k.flag === undefined ? undefined : input.flags[k.flag], `flag for ${k.path}`],
    ];
    for (const [source, raw, where] of layers) {
      if (raw === undefined) continue;
      if (k.path === 'network' && source !== 'flag' && source !== 'env') continue;
      setPath(config, k.path, k.path === 'datadir' ? resolvePath(coerce(k, raw, where) as string) : coerce(k, raw, where));
      sources[k.path] = source;
    }
  }
  if (config.network !== net.name) throw new ChainNodeError('CONFIG_INVALID', `network '${config.network}' does not match resolved network '${net.name}'`);
  return { config, network: net, sources, file: fileValues === undefined ? undefined : file, unknownKeys };
}

/** Flatten a config to `path = value` rows with their sources (for `chain-node config`). */
export function describeConfig(r: ResolvedConfig): Array<{ key: string; value: unknown; source: ConfigSource; env: string }> {
  return CONFIG_KEYS.map((k) => ({
    key: k.path,
    value: getPath(r.config as unknown as Record<string, unknown>, k.path),
    source: r.sources[k.path]!,
    env: k.env,
  }));
}
