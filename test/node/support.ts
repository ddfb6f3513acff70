// Helpers for in-process node tests: a regtest configuration in a fresh temporary data directory, a silent logger.
import pino from 'pino';
import { resolveConfig } from '../../src/config/resolve.js';
import type { NodeConfig } from '../../src/config/schema.js';
import type { NetworkParams } from '../../src/consensus/networks.js';

/** A regtest configuration with every port free (0), no mDNS, API and P2P on loopback. */
export function regtestConfig(datadir: string, patch: (c: NodeConfig) => void = () => undefined): { config: NodeConfig; network: NetworkParams } {
  const r = resolveConfig({ flags: { network: 'regtest', datadir }, env: {}, home: datadir });
  const config = structuredClone(r.config);
  config.api = { ...config.api, host: '127.0.0.1', port: 0 };
  config.p2p = { ...config.p2p, host: '127.0.0.1', port: 0, mdns: false };
  config.mining = { ...config.mining, enabled: false };
  patch(config);
  return { config, network: r.network };
}

export { tempDir } from '../utils/temp-dir.js';

/** A logger that keeps its records (for assertions) instead of printing them. */
export function memoryLogger(): { logger: pino.Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) });
  return { logger, lines };
}
