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
    sseHistoryBlocks: number;
    explorer: boolean;
    /** Reads need an API credential with scope `read`, submissions `submit` (private deployments). */
    requireAuth: boolean;
    /** Requests per minute of an API token or JWT subject without its own limit (0 = unlimited). */
    tokenRateLimitPerMinute: number;
    /** PEM certificate and key files: serve HTTPS (both or neither; reloaded on SIGHUP). */
    tlsCert: string;
    tlsKey: string;
    /** JWT verification: '' (off), HS256 or EdDSA; the key file, issuer, audience and scope claim. */
    jwtAlg: string;
    jwtKeyFile: string;
    jwtIssuer: string;
    jwtAudience: string;
    jwtScopeClaim: string;
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
  mempool: { maxCount: number; maxBytes: number; saveIntervalMs: number; maxPerActor: number };
  /** Witnessed finality (SPEC 12): the witness set, its threshold (0 = majority), the depth (0 = the network's). */
  finality: { witnesses: string[]; witnessThreshold: number; depth: number };
  /** Record-kind payload schemas (README "Record kinds"): custom kind files, and whether peer relays are checked too. */
  kinds: { schemaFiles: string[]; enforceGossip: boolean };
  /** Query indexes: kinds whose numeric payload fields are indexed for aggregates. */
  query: { aggregateKinds: string[] };
  /** Webhook deliveries (POST /webhooks): SSRF guard, retries with exponential backoff and jitter, bounds. */
  webhooks: {
    enabled: boolean;
    allowPrivateTargets: boolean;
    maxAttempts: number;
    backoffBaseMs: number;
    backoffMaxMs: number;
    timeoutMs: number;
    concurrency: number;
    logSize: number;
  };
  /** Node-held keys (`<datadir>/keys`): the passphrase file, the metrics facade's key, signing queue bounds. */
  keys: { passphraseFile: string; metricsKey: string; signWaitMs: number; maxQueue: number };
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
  {
    path: 'api.bodyLimitBytes',
    type: 'int',
    env: 'CHAIN_NODE_API_BODY_LIMIT',
    doc: 'largest body of POST /txs/batch (other routes have fixed, smaller limits)',
  },
  {
    path: 'api.allowedHosts',
    type: 'list',
    env: 'CHAIN_NODE_API_ALLOWED_HOSTS',
    flag: 'apiAllowedHosts',
    doc: 'extra Host header names the API answers (besides loopback names, IP literals, api.host and p2p.announce hosts)',
  },
  {
    path: 'api.maxConnections',
    type: 'int',
    env: 'CHAIN_NODE_API_MAX_CONNECTIONS',
    doc: 'most open HTTP connections (SSE streams included); more are refused at accept',
  },
  {
    path: 'api.requestTimeoutMs',
    type: 'int',
    env: 'CHAIN_NODE_API_REQUEST_TIMEOUT_MS',
    doc: 'a request must arrive whole (headers and body) within this time (408 after); also the idle socket timeout of non-SSE connections',
  },
  { path: 'api.sseMaxClients', type: 'int', env: 'CHAIN_NODE_API_SSE_MAX_CLIENTS', doc: 'most /events streams at once' },
  { path: 'api.sseMaxClientsPerAddress', type: 'int', env: 'CHAIN_NODE_API_SSE_MAX_PER_ADDRESS', doc: 'most /events streams per client address' },
  {
    path: 'api.sseMaxBufferBytes',
    type: 'int',
    env: 'CHAIN_NODE_API_SSE_MAX_BUFFER',
    doc: 'unsent bytes an /events stream may hold before it is dropped as too slow',
  },
  {
    path: 'api.requireAuth',
    type: 'bool',
    env: 'CHAIN_NODE_API_REQUIRE_AUTH',
    flag: 'requireAuth',
    doc: 'reads need an API token or JWT with scope read, POST /txs scope submit (private deployments); off: both open, admin routes always need admin',
  },
  {
    path: 'api.tokenRateLimitPerMinute',
    type: 'int',
    env: 'CHAIN_NODE_API_TOKEN_RATE_LIMIT',
    doc: 'requests per minute of an API token or JWT subject without its own limit (0 = unlimited)',
  },
  {
    path: 'api.tlsCert',
    type: 'string',
    env: 'CHAIN_NODE_TLS_CERT',
    flag: 'tlsCert',
    doc: 'PEM certificate (chain) file: serve the API and explorer over HTTPS (with api.tlsKey; reloaded on SIGHUP)',
  },
  { path: 'api.tlsKey', type: 'string', env: 'CHAIN_NODE_TLS_KEY', flag: 'tlsKey', doc: 'PEM private key file of api.tlsCert' },
  { path: 'api.jwtAlg', type: 'string', env: 'CHAIN_NODE_JWT_ALG', doc: 'accept JWTs signed with HS256 or EdDSA (empty = no JWTs)' },
  {
    path: 'api.jwtKeyFile',
    type: 'string',
    env: 'CHAIN_NODE_JWT_KEY_FILE',
    doc: 'HS256: file holding the shared secret (>= 32 bytes); EdDSA: the Ed25519 public key (PEM)',
  },
  { path: 'api.jwtIssuer', type: 'string', env: 'CHAIN_NODE_JWT_ISSUER', doc: 'required iss of accepted JWTs' },
  { path: 'api.jwtAudience', type: 'string', env: 'CHAIN_NODE_JWT_AUDIENCE', doc: 'required aud of accepted JWTs' },
  { path: 'api.jwtScopeClaim', type: 'string', env: 'CHAIN_NODE_JWT_SCOPE_CLAIM', doc: 'JWT claim holding the scopes (space-separated string or list)' },
  {
    path: 'api.sseHistoryBlocks',
    type: 'int',
    env: 'CHAIN_NODE_API_SSE_HISTORY_BLOCKS',
    doc: 'most blocks behind the tip an /events stream may resume from with Last-Event-ID (further: a resync event)',
  },
  { path: 'api.explorer', type: 'bool', env: 'CHAIN_NODE_EXPLORER', flag: 'explorer', doc: 'serve the web explorer at / of the HTTP API' },
  { path: 'p2p.enabled', type: 'bool', env: 'CHAIN_NODE_P2P', flag: 'p2p', doc: 'join the peer-to-peer network' },
  { path: 'p2p.host', type: 'string', env: 'CHAIN_NODE_P2P_HOST', flag: 'p2pHost', doc: 'P2P listen address' },
  { path: 'p2p.port', type: 'int', env: 'CHAIN_NODE_P2P_PORT', flag: 'p2pPort', max: 65535, doc: 'P2P TCP port (0 = any free port)' },
  { path: 'p2p.bootstrap', type: 'list', env: 'CHAIN_NODE_BOOTSTRAP', flag: 'bootstrap', doc: 'bootstrap peers (multiaddr or host:port)' },
  { path: 'p2p.mdns', type: 'bool', env: 'CHAIN_NODE_MDNS', flag: 'mdns', doc: 'discover peers on the LAN with mDNS' },
  { path: 'p2p.announce', type: 'list', env: 'CHAIN_NODE_ANNOUNCE', flag: 'announce', doc: 'addresses to announce to peers' },
  { path: 'p2p.maxPeers', type: 'int', env: 'CHAIN_NODE_MAX_PEERS', flag: 'maxPeers', doc: 'maximum connected peers' },
  {
    path: 'p2p.maxInboundPerAddress',
    type: 'int',
    env: 'CHAIN_NODE_MAX_INBOUND_PER_ADDRESS',
    doc: 'most inbound peer connections from one address (0 = no cap; loopback exempt unless p2p.loopbackLimits)',
  },
  {
    path: 'p2p.loopbackLimits',
    type: 'bool',
    env: 'CHAIN_NODE_P2P_LOOPBACK_LIMITS',
    doc: 'apply address bans and the per-address cap to loopback peers too (off: local clusters share 127.0.0.1)',
  },
  { path: 'mining.enabled', type: 'bool', env: 'CHAIN_NODE_MINE', flag: 'mine', doc: 'mine blocks' },
  { path: 'mining.backend', type: 'string', env: 'CHAIN_NODE_MINER_BACKEND', flag: 'minerBackend', doc: 'auto, cuda, native-cpu or wasm' },
  { path: 'mining.threads', type: 'int', env: 'CHAIN_NODE_THREADS', flag: 'threads', doc: 'CPU mining threads (0 = one per core)' },
  { path: 'mining.minerTag', type: 'string', env: 'CHAIN_NODE_MINER_TAG', flag: 'minerTag', doc: 'tag written into mined blocks\u2019 meta' },
  {
    path: 'mining.cpuPath',
    type: 'string',
    env: 'CHAIN_NODE_CPU_PATH',
    flag: 'cpuPath',
    doc: 'native-cpu hashing code: auto (measured fastest), sha-ni, avx512, avx2, vec128 or portable',
  },
  {
    path: 'mining.cpuHide',
    type: 'list',
    env: 'CHAIN_NODE_CPU_HIDE',
    doc: 'CPU features the miner pretends are missing (sha-ni, avx512, avx2), to simulate older CPUs',
  },
  { path: 'mining.maxBlockTxs', type: 'int', env: 'CHAIN_NODE_MAX_BLOCK_TXS', doc: 'most transactions per mined block' },
  { path: 'log.level', type: 'string', env: 'CHAIN_NODE_LOG_LEVEL', flag: 'logLevel', doc: 'trace, debug, info, warn, error' },
  { path: 'log.file', type: 'string', env: 'CHAIN_NODE_LOG_FILE', flag: 'logFile', doc: 'also write JSON logs to this file' },
  { path: 'log.pretty', type: 'string', env: 'CHAIN_NODE_LOG_PRETTY', flag: 'logPretty', doc: 'auto (pretty on a terminal), always or never' },
  {
    path: 'log.statusInterval',
    type: 'int',
    env: 'CHAIN_NODE_LOG_STATUS_INTERVAL',
    flag: 'statusInterval',
    doc: 'seconds between one-line status logs (height, peers, mempool, hashrate); 0 = none',
  },
  { path: 'mempool.maxCount', type: 'int', env: 'CHAIN_NODE_MEMPOOL_MAX_COUNT', doc: 'most transactions in the mempool' },
  {
    path: 'finality.witnesses',
    type: 'list',
    env: 'CHAIN_NODE_WITNESSES',
    flag: 'witnesses',
    doc: 'witness verifier keys (<name>+<id>+<key>) or files of them (one per line); empty = this node witnesses for itself',
  },
  {
    path: 'finality.witnessThreshold',
    type: 'int',
    env: 'CHAIN_NODE_WITNESS_THRESHOLD',
    flag: 'witnessThreshold',
    doc: 'witness signatures that make a checkpoint final (0 = a majority of the set)',
  },
  {
    path: 'query.aggregateKinds',
    type: 'list',
    env: 'CHAIN_NODE_AGGREGATE_KINDS',
    doc: 'kinds whose numeric payload fields are indexed for GET /subjects/:name/aggregate (applies to blocks connected from then on)',
  },
  {
    path: 'finality.depth',
    type: 'int',
    env: 'CHAIN_NODE_FINALITY_DEPTH',
    flag: 'finalityDepth',
    doc: 'blocks below the tip that witnesses sign (0 = the network\u2019s finality depth)',
  },
  { path: 'mempool.maxBytes', type: 'int', env: 'CHAIN_NODE_MEMPOOL_MAX_BYTES', doc: 'most bytes of transactions in the mempool' },
  {
    path: 'mempool.saveIntervalMs',
    type: 'int',
    env: 'CHAIN_NODE_MEMPOOL_SAVE_INTERVAL_MS',
    doc: 'save a changed mempool to mempool.dat this often: the most a kill -9 can lose (0 = only on stop)',
  },
  {
    path: 'kinds.schemaFiles',
    type: 'list',
    env: 'CHAIN_NODE_KIND_SCHEMAS',
    doc: 'JSON files or directories of custom record-kind payload schemas ({kind, description, schema}); checked at API submission (TX_SCHEMA)',
  },
  {
    path: 'kinds.enforceGossip',
    type: 'bool',
    env: 'CHAIN_NODE_KIND_SCHEMAS_GOSSIP',
    doc: 'also refuse transactions relayed by peers whose payload fails its kind schema (without penalising the peer); blocks are never checked',
  },
  { path: 'webhooks.enabled', type: 'bool', env: 'CHAIN_NODE_WEBHOOKS', doc: 'serve /webhooks and deliver to registered hooks' },
  {
    path: 'webhooks.allowPrivateTargets',
    type: 'bool',
    env: 'CHAIN_NODE_WEBHOOKS_ALLOW_PRIVATE',
    doc: 'allow webhook URLs that resolve to loopback, private, link-local or other non-public addresses (off: SSRF guard)',
  },
  {
    path: 'webhooks.maxAttempts',
    type: 'int',
    env: 'CHAIN_NODE_WEBHOOKS_MAX_ATTEMPTS',
    doc: 'delivery attempts before a delivery moves to the dead-letter list',
  },
  { path: 'webhooks.backoffBaseMs', type: 'int', env: 'CHAIN_NODE_WEBHOOKS_BACKOFF_BASE_MS', doc: 'first retry delay; doubles per attempt, with full jitter' },
  { path: 'webhooks.backoffMaxMs', type: 'int', env: 'CHAIN_NODE_WEBHOOKS_BACKOFF_MAX_MS', doc: 'longest retry delay' },
  { path: 'webhooks.timeoutMs', type: 'int', env: 'CHAIN_NODE_WEBHOOKS_TIMEOUT_MS', doc: 'one delivery attempt must be answered within this time' },
  { path: 'webhooks.concurrency', type: 'int', env: 'CHAIN_NODE_WEBHOOKS_CONCURRENCY', doc: 'deliveries in flight at once, all hooks together' },
  { path: 'webhooks.logSize', type: 'int', env: 'CHAIN_NODE_WEBHOOKS_LOG_SIZE', doc: 'delivery log entries kept per hook (oldest dropped)' },
  {
    path: 'mempool.maxPerActor',
    type: 'int',
    env: 'CHAIN_NODE_MEMPOOL_MAX_PER_ACTOR',
    doc: 'most pending transactions of one actor (a busy node-held key may need more)',
  },
  {
    path: 'keys.passphraseFile',
    type: 'string',
    env: 'CHAIN_NODE_KEYS_PASSPHRASE_FILE',
    flag: 'keysPassphraseFile',
    doc: 'file whose first line is the passphrase of the node-held keys in <datadir>/keys (else CHAIN_NODE_KEYS_PASSPHRASE; neither: keys locked)',
  },
  {
    path: 'keys.metricsKey',
    type: 'string',
    env: 'CHAIN_NODE_METRICS_KEY',
    flag: 'metricsKey',
    doc: 'node-held key the container-metrics facade (/api/metrics) signs with; empty = facade off',
  },
  {
    path: 'keys.signWaitMs',
    type: 'int',
    env: 'CHAIN_NODE_SIGN_WAIT_MS',
    doc: 'longest a POST /actions request waits for room in the mempool for its key before MEMPOOL_ACTOR_LIMIT',
  },
  { path: 'keys.maxQueue', type: 'int', env: 'CHAIN_NODE_SIGN_MAX_QUEUE', doc: 'most actions waiting to be signed for one key (KEY_QUEUE_FULL past it)' },
];

/** The help text of a command-line flag: the doc of the configuration key it sets (one text for flag, file and env). */
export function flagDoc(flag: string): string {
  const key = CONFIG_KEYS.find((k) => k.flag === flag);
  if (key === undefined) throw new Error(`no configuration key has the flag '${flag}'`);
  return key.doc;
}
