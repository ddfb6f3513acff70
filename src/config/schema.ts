/** Effective node configuration. */
export interface NodeConfig {
  network: string;
  /** Data directory of this network (chain database, cookie, p2p key, peers). */
  datadir: string;
  api: {
    enabled: boolean;
    host: string;
    port: number;
    cors: string[];
    rateLimitPerMinute: number;
    bodyLimitBytes: number;
    allowedHosts: string[];
    maxConnections: number;
    requestTimeoutMs: number;
    sseMaxClients: number;
    sseMaxClientsPerAddress: number;
    sseMaxBufferBytes: number;
    explorer: boolean;
  };
  p2p: {
    enabled: boolean;
    host: string;
    port: number;
    bootstrap: string[];
    mdns: boolean;
    announce: string[];
    maxPeers: number;
    maxInboundPerAddress: number;
    loopbackLimits: boolean;
  };
  mining: { enabled: boolean; backend: string; threads: number; minerTag: string; maxBlockTxs: number; cpuPath?: string; cpuHide?: string[] };
  log: { level: string; file: string; pretty: string; statusInterval: number };
  mempool: { maxCount: number; maxBytes: number; saveIntervalMs: number };
  /** Witnessed finality (SPEC 12): the witness set, its threshold (0 = majority), the depth (0 = the network's). */
  finality: { witnesses: string[]; witnessThreshold: number; depth: number };
}

/** Value kinds a configuration key can hold. */
export type ConfigType = 'string' | 'int' | 'bool' | 'list';

/** One configurable key: its dotted path, type, environment variable and commander flag property. */
export interface ConfigKey {
  path: string;
  type: ConfigType;
  env: string;
  /** commander's camel-cased option property, when the key has a flag. */
  flag?: string;
  /** Largest accepted value of an int key (ports: 65535). */
  max?: number;
  doc: string;
}

/** Every configuration key, in display order. */
export const CONFIG_KEYS: readonly ConfigKey[] = [
  { path: 'network', type: 'string', env: 'CHAIN_NODE_NETWORK', flag: 'network', doc: 'network name (devnet, main, regtest) or a custom one created by init' },
  { path: 'datadir', type: 'string', env: 'CHAIN_NODE_DATADIR', flag: 'datadir', doc: 'data directory of this network' },
  { path: 'api.enabled', type: 'bool', env: 'CHAIN_NODE_API', flag: 'api', doc: 'serve the HTTP API' },
  { path: 'api.host', type: 'string', env: 'CHAIN_NODE_API_HOST', flag: 'apiHost', doc: 'HTTP API listen address' },
  { path: 'api.port', type: 'int', env: 'CHAIN_NODE_API_PORT', flag: 'apiPort', max: 65535, doc: 'HTTP API port (0 = any free port)' },
  { path: 'api.cors', type: 'list', env: 'CHAIN_NODE_API_CORS', flag: 'apiCors', doc: 'allowed CORS origins (empty = CORS off)' },
  { path: 'api.rateLimitPerMinute', type: 'int', env: 'CHAIN_NODE_API_RATE_LIMIT', doc: 'requests per minute per client address (SSE and /health exempt)' },
  { path: 'api.bodyLimitBytes', type: 'int', env: 'CHAIN_NODE_API_BODY_LIMIT', doc: 'largest body of POST /txs/batch (other routes have fixed, smaller limits)' },
  { path: 'api.allowedHosts', type: 'list', env: 'CHAIN_NODE_API_ALLOWED_HOSTS', flag: 'apiAllowedHosts', doc: 'extra Host header names the API answers (besides loopback names, IP literals, api.host and p2p.announce hosts)' },
  { path: 'api.maxConnections', type: 'int', env: 'CHAIN_NODE_API_MAX_CONNECTIONS', doc: 'most open HTTP connections (SSE streams included); more are refused at accept' },
  { path: 'api.requestTimeoutMs', type: 'int', env: 'CHAIN_NODE_API_REQUEST_TIMEOUT_MS', doc: 'a request must arrive whole (headers and body) within this time (408 after); also the idle socket timeout of non-SSE connections' },
  { path: 'api.sseMaxClients', type: 'int', env: 'CHAIN_NODE_API_SSE_MAX_CLIENTS', doc: 'most /events streams at once' },
  { path: 'api.sseMaxClientsPerAddress', type: 'int', env: 'CHAIN_NODE_API_SSE_MAX_PER_ADDRESS', doc: 'most /events streams per client address' },
  { path: 'api.sseMaxBufferBytes', type: 'int', env: 'CHAIN_NODE_API_SSE_MAX_BUFFER', doc: 'unsent bytes an /events stream may hold before it is dropped as too slow' },
  { path: 'api.explorer', type: 'bool', env: 'CHAIN_NODE_EXPLORER', flag: 'explorer', doc: 'serve the web explorer at / of the HTTP API' },
  { path: 'p2p.enabled', type: 'bool', env: 'CHAIN_NODE_P2P', flag: 'p2p', doc: 'join the peer-to-peer network' },
  { path: 'p2p.host', type: 'string', env: 'CHAIN_NODE_P2P_HOST', flag: 'p2pHost', doc: 'P2P listen address' },
  { path: 'p2p.port', type: 'int', env: 'CHAIN_NODE_P2P_PORT', flag: 'p2pPort', max: 65535, doc: 'P2P TCP port (0 = any free port)' },
  { path: 'p2p.bootstrap', type: 'list', env: 'CHAIN_NODE_BOOTSTRAP', flag: 'bootstrap', doc: 'bootstrap peers (multiaddr or host:port)' },
  { path: 'p2p.mdns', type: 'bool', env: 'CHAIN_NODE_MDNS', flag: 'mdns', doc: 'discover peers on the LAN with mDNS' },
  { path: 'p2p.announce', type: 'list', env: 'CHAIN_NODE_ANNOUNCE', flag: 'announce', doc: 'addresses to announce to peers' },
  { path: 'p2p.maxPeers', type: 'int', env: 'CHAIN_NODE_MAX_PEERS', flag: 'maxPeers', doc: 'maximum connected peers' },
  { path: 'p2p.maxInboundPerAddress', type: 'int', env: 'CHAIN_NODE_MAX_INBOUND_PER_ADDRESS', doc: 'most inbound peer connections from one address (0 = no cap; loopback exempt unless p2p.loopbackLimits)' },
  { path: 'p2p.loopbackLimits', type: 'bool', env: 'CHAIN_NODE_P2P_LOOPBACK_LIMITS', doc: 'apply address bans and the per-address cap to loopback peers too (off: local clusters share 127.0.0.1)' },
  { path: 'mining.enabled', type: 'bool', env: 'CHAIN_NODE_MINE', flag: 'mine', doc: 'mine blocks' },
  { path: 'mining.backend', type: 'string', env: 'CHAIN_NODE_MINER_BACKEND', flag: 'minerBackend', doc: 'auto, cuda, native-cpu or wasm' },
  { path: 'mining.threads', type: 'int', env: 'CHAIN_NODE_THREADS', flag: 'threads', doc: 'CPU mining threads (0 = one per core)' },
  { path: 'mining.minerTag', type: 'string', env: 'CHAIN_NODE_MINER_TAG', flag: 'minerTag', doc: 'tag written into mined blocks\u2019 meta' },
  { path: 'mining.cpuPath', type: 'string', env: 'CHAIN_NODE_CPU_PATH', flag: 'cpuPath', doc: 'native-cpu hashing code: auto (measured fastest), sha-ni, avx512, avx2, vec128 or portable' },
  { path: 'mining.cpuHide', type: 'list', env: 'CHAIN_NODE_CPU_HIDE', doc: 'CPU features the miner pretends are missing (sha-ni, avx512, avx2), to simulate older CPUs' },
  { path: 'mining.maxBlockTxs', type: 'int', env: 'CHAIN_NODE_MAX_BLOCK_TXS', doc: 'most transactions per mined block' },
  { path: 'log.level', type: 'string', env: 'CHAIN_NODE_LOG_LEVEL', flag: 'logLevel', doc: 'trace, debug, info, warn, error' },
  { path: 'log.file', type: 'string', env: 'CHAIN_NODE_LOG_FILE', flag: 'logFile', doc: 'also write JSON logs to this file' },
  { path: 'log.pretty', type: 'string', env: 'CHAIN_NODE_LOG_PRETTY', flag: 'logPretty', doc: 'auto (pretty on a terminal), always or never' },
  { path: 'log.statusInterval', type: 'int', env: 'CHAIN_NODE_LOG_STATUS_INTERVAL', flag: 'statusInterval', doc: 'seconds between one-line status logs (height, peers, mempool, hashrate); 0 = none' },
  { path: 'mempool.maxCount', type: 'int', env: 'CHAIN_NODE_MEMPOOL_MAX_COUNT', doc: 'most transactions in the mempool' },
  { path: 'finality.witnesses', type: 'list', env: 'CHAIN_NODE_WITNESSES', flag: 'witnesses', doc: 'witness verifier keys (<name>+<id>+<key>); empty = this node witnesses for itself' },
  { path: 'finality.witnessThreshold', type: 'int', env: 'CHAIN_NODE_WITNESS_THRESHOLD', flag: 'witnessThreshold', doc: 'witness signatures that make a checkpoint final (0 = a majority of the set)' },
  { path: 'finality.depth', type: 'int', env: 'CHAIN_NODE_FINALITY_DEPTH', flag: 'finalityDepth', doc: 'blocks below the tip that witnesses sign (0 = the network\u2019s finality depth)' },
  { path: 'mempool.maxBytes', type: 'int', env: 'CHAIN_NODE_MEMPOOL_MAX_BYTES', doc: 'most bytes of transactions in the mempool' },
  { path: 'mempool.saveIntervalMs', type: 'int', env: 'CHAIN_NODE_MEMPOOL_SAVE_INTERVAL_MS', doc: 'save a changed mempool to mempool.dat this often: the most a kill -9 can lose (0 = only on stop)' },
];

/** The help text of a command-line flag: the doc of the configuration key it sets (one text for flag, file and env). */
export function flagDoc(flag: string): string {
  const key = CONFIG_KEYS.find((k) => k.flag === flag);
  if (key === undefined) throw new Error(`no configuration key has the flag '${flag}'`);
  return key.doc;
}
