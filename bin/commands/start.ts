import type { Command } from 'commander';
import { createLogger } from '../../src/logger.js';
import { ChainNode } from '../../src/node.js';
import { allOptions, configFrom, VERSION } from './common.js';

/** `chain-node start`: run a full node until SIGINT/SIGTERM (a second signal forces exit). */
export function registerStart(program: Command): void {
  program
    .command('start')
    .description('start a full node (devnet by default: mines, serves the API, prints its URLs)')
    .option('--api-host <host>', 'HTTP API listen address (default 127.0.0.1)')
    .option('--api-port <port>', 'HTTP API port (0 = any free port)')
    .option('--no-api', 'do not serve the HTTP API')
    .option('--api-cors <origins>', 'comma-separated CORS origins')
    .option('--p2p-host <host>', 'P2P listen address')
    .option('--p2p-port <port>', 'P2P TCP port')
    .option('--no-p2p', 'do not join the peer-to-peer network')
    .option('--bootstrap <addr...>', 'bootstrap peers (multiaddr or host:port), repeatable')
    .option('--mdns', 'discover LAN peers with mDNS')
    .option('--no-mdns', 'disable mDNS discovery')
    .option('--announce <addr...>', 'addresses to announce to peers')
    .option('--max-peers <n>', 'maximum connected peers')
    .option('--mine', 'mine blocks')
    .option('--no-mine', 'do not mine')
    .option('--miner-backend <name>', 'auto, cuda, native-cpu or wasm')
    .option('--threads <n>', 'CPU mining threads (0 = one per core)')
    .option('--miner-tag <tag>', 'tag written into mined blocks')
    .option('--witnesses <keys...>', 'witness set: verifier keys (<name>+<id>+<key>); default: this node witnesses for itself')
    .option('--witness-threshold <k>', 'witness signatures that make a checkpoint final (default: a majority)')
    .option('--finality-depth <n>', 'blocks below the tip that witnesses sign (default: the network\u2019s)')
    .option('--log-level <level>', 'trace, debug, info, warn, error')
    .option('--log-file <path>', 'also append JSON logs to this file')
    .option('--log-pretty <mode>', 'auto, always or never')
    .action(async (_opts: unknown, cmd: Command) => {
      const flags = allOptions<Record<string, unknown>>(cmd);
      // commander sets negatable booleans to true by default; only explicit flags should override lower layers.
      for (const name of ['api', 'p2p', 'mdns', 'mine']) if (cmd.getOptionValueSource(name) === 'default') delete flags[name];
      const resolved = configFrom(flags);
      const { config } = resolved;
      const { network } = resolved;
      const logger = createLogger({ level: config.log.level, file: config.log.file, pretty: config.log.pretty, isTTY: process.stdout.isTTY === true });
      const node = new ChainNode({ config, network, version: VERSION, isTTY: process.stdout.isTTY === true }, { logger });
      let signals = 0;
      const onSignal = (sig: NodeJS.Signals): void => {
        signals++;
        if (signals > 1) {
          logger.warn({ signal: sig }, 'second signal: exiting now');
          process.exit(130);
        }
        logger.info({ signal: sig }, 'shutting down (send again to force)');
        void node.stop();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      await node.start();
      if (node.apiUrl !== '') {
        const u = node.apiUrl;
        process.stderr.write(
          [
            `chain-node ${VERSION} on ${network.name} (data: ${config.datadir})`,
            `  API      ${u}/status`,
            `  blocks   ${u}/blocks`,
            `  events   ${u}/events`,
            `  metrics  ${u}/metrics`,
            `  OpenAPI  ${u}/openapi.json`,
            `  mining   ${config.mining.enabled ? 'on' : 'off'}`,
            '',
          ].join('\n'),
        );
      }
      await new Promise<void>((resolve) => node.signal.addEventListener('abort', () => resolve(), { once: true }));
      await node.stop();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      if (node.failure !== undefined) {
        logger.fatal({ err: node.failure.message }, 'stopped after a fatal error');
        process.exitCode = 1;
      }
    });
}
