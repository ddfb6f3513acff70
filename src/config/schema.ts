/** Effective node configuration. */
export interface NodeConfig {
  network: string;
  /** Data directory of this network (chain database, cookie, p2p key, peers). */
  datadir: string;
  api: { enabled: boolean; host: string; port: number; cors: string[]; rateLimitPerMinute: number; bodyLimitBytes: number };
  p2p: { enabled: boolean; host: string; port: number; bootstrap: string[]; mdns: boolean; announce: string[]; maxPeers: number };
  mining: { enabled: boolean; backend: string; threads: number; minerTag: string; maxBlockTxs: number };
  log: { level: string; file: string; pretty: string };
  mempool: { maxCount: number; maxBytes: number };
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
  doc: string;
}

/** Every configuration key, in display order. */
export const CONFIG_KEYS: readonly ConfigKey[] = [
  { path: 'network', type: 'string', env: 'CHAIN_NODE_NETWORK', flag: 'network', doc: 'network name (devnet, main, regtest) or a custom one created by init' },
  { path: 'datadir', type: 'string', env: 'CHAIN_NODE_DATADIR', flag: 'datadir', doc: 'data directory of this network' },
  { path: 'api.enabled', type: 'bool', env: 'CHAIN_NODE_API', flag: 'api', doc: 'serve the HTTP API' },
  { path: 'api.host', type: 'string', env: 'CHAIN_NODE_API_HOST', flag: 'apiHost', doc: 'HTTP API listen address' },
  { path: 'api.port', type: 'int', env: 'CHAIN_NODE_API_PORT', flag: 'apiPort', doc: 'HTTP API port (0 = any free port)' },
  { path: 'api.cors', type: 'list', env: 'CHAIN_NODE_API_CORS', flag: 'apiCors', doc: 'allowed CORS origins (empty = CORS off)' },
  { path: 'api.rateLimitPerMinute', type: 'int', env: 'CHAIN_NODE_API_RATE_LIMIT', doc: 'requests per minute per client address' },
  { path: 'api.bodyLimitBytes', type: 'int', env: 'CHAIN_NODE_API_BODY_LIMIT', doc: 'largest request body' },
  { path: 'p2p.enabled', type: 'bool', env: 'CHAIN_NODE_P2P', flag: 'p2p', doc: 'join the peer-to-peer network' },
  { path: 'p2p.host', type: 'string', env: 'CHAIN_NODE_P2P_HOST', flag: 'p2pHost', doc: 'P2P listen address' },
  { path: 'p2p.port', type: 'int', env: 'CHAIN_NODE_P2P_PORT', flag: 'p2pPort', doc: 'P2P TCP port (0 = any free port)' },
  { path: 'p2p.bootstrap', type: 'list', env: 'CHAIN_NODE_BOOTSTRAP', flag: 'bootstrap', doc: 'bootstrap peers (multiaddr or host:port)' },
  { path: 'p2p.mdns', type: 'bool', env: 'CHAIN_NODE_MDNS', flag: 'mdns', doc: 'discover peers on the LAN with mDNS' },
  { path: 'p2p.announce', type: 'list', env: 'CHAIN_NODE_ANNOUNCE', flag: 'announce', doc: 'addresses to announce to peers' },
  { path: 'p2p.maxPeers', type: 'int', env: 'CHAIN_NODE_MAX_PEERS', flag: 'maxPeers', doc: 'maximum connected peers' },
  { path: 'mining.enabled', type: 'bool', env: 'CHAIN_NODE_MINE', flag: 'mine', doc: 'mine blocks' },
  { path: 'mining.backend', type: 'string', env: 'CHAIN_NODE_MINER_BACKEND', flag: 'minerBackend', doc: 'auto, cuda, native-cpu or wasm' },
  { path: 'mining.threads', type: 'int', env: 'CHAIN_NODE_THREADS', flag: 'threads', doc: 'CPU mining threads (0 = one per core)' },
  { path: 'mining.minerTag', type: 'string', env: 'CHAIN_NODE_MINER_TAG', flag: 'minerTag', doc: 'tag written into mined blocks\u2019 meta' },
  { path: 'mining.maxBlockTxs', type: 'int', env: 'CHAIN_NODE_MAX_BLOCK_TXS', doc: 'most transactions per mined block' },
  { path: 'log.level', type: 'string', env: 'CHAIN_NODE_LOG_LEVEL', flag: 'logLevel', doc: 'trace, debug, info, warn, error' },
  { path: 'log.file', type: 'string', env: 'CHAIN_NODE_LOG_FILE', flag: 'logFile', doc: 'also write JSON logs to this file' },
  { path: 'log.pretty', type: 'string', env: 'CHAIN_NODE_LOG_PRETTY', flag: 'logPretty', doc: 'auto (pretty on a terminal), always or never' },
  { path: 'mempool.maxCount', type: 'int', env: 'CHAIN_NODE_MEMPOOL_MAX_COUNT', doc: 'most transactions in the mempool' },
  { path: 'finality.witnesses', type: 'list', env: 'CHAIN_NODE_WITNESSES', flag: 'witnesses', doc: 'witness verifier keys (<name>+<id>+<key>); empty = this node witnesses for itself' },
  { path: 'finality.witnessThreshold', type: 'int', env: 'CHAIN_NODE_WITNESS_THRESHOLD', flag: 'witnessThreshold', doc: 'witness signatures that make a checkpoint final (0 = a majority of the set)' },
  { path: 'finality.depth', type: 'int', env: 'CHAIN_NODE_FINALITY_DEPTH', flag: 'finalityDepth', doc: 'blocks below the tip that witnesses sign (0 = the network\u2019s finality depth)' },
  { path: 'mempool.maxBytes', type: 'int', env: 'CHAIN_NODE_MEMPOOL_MAX_BYTES', doc: 'most bytes of transactions in the mempool' },
];
