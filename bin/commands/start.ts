import type { Command } from 'commander';
import { explorerDir } from '../../src/api/explorer.js';
import { createLogger } from '../../src/logger.js';
import { ChainNode } from '../../src/node.js';
import { allOptions, configFrom, VERSION } from './common.js';
import { nodeKeyPassphrase } from './node-passphrase.js';
import { flagDoc } from '../../src/config/schema.js';

// Shutdown deadline: the API's close is bounded at ~4 s, so this only catches a stuck component.
const STOP_DEADLINE_MS = 7_000;
// Longest a forced exit waits for the mempool file.
const SAVE_BOUND_MS = 2_000;

/** `chain-node start`: run a full node until SIGINT/SIGTERM (a second signal forces exit). */
export function registerStart(program: Command): void {
  program
    .command('start')
    .description('start a full node (devnet by default: mines, serves the API, prints its URLs)')
    .option('--api-host <host>', flagDoc('apiHost'))
    .option('--api-port <port>', flagDoc('apiPort'))
    .option('--no-api', 'do not serve the HTTP API')
    .option('--api-cors <origins>', flagDoc('apiCors'))
    .option('--api-allowed-hosts <names>', flagDoc('apiAllowedHosts'))
    .option('--no-explorer', 'do not serve the web explorer at /')
    .option('--require-auth', flagDoc('requireAuth'))
    .option('--tls-cert <file>', flagDoc('tlsCert'))
    .option('--tls-key <file>', flagDoc('tlsKey'))
    .option('--p2p-host <host>', flagDoc('p2pHost'))
    .option('--p2p-port <port>', flagDoc('p2pPort'))
    .option('--no-p2p', 'do not join the peer-to-peer network')
    .option('--bootstrap <addr...>', flagDoc('bootstrap'))
    .option('--mdns', 'discover LAN peers with mDNS')
    .option('--no-mdns', 'disable mDNS discovery')
    .option('--announce <addr...>', flagDoc('announce'))
    .option('--max-peers <n>', flagDoc('maxPeers'))
    .option('--mine', 'mine blocks')
    .option('--no-mine', 'do not mine')
    .option('--miner-backend <name>', flagDoc('minerBackend'))
    .option('--threads <n>', flagDoc('threads'))
    .option('--cpu-path <name>', flagDoc('cpuPath'))
    .option('--miner-tag <tag>', flagDoc('minerTag'))
    .option('--witnesses <keys...>', flagDoc('witnesses'))
    .option('--witness-threshold <k>', flagDoc('witnessThreshold'))
    .option('--finality-depth <n>', 'blocks below the tip that witnesses sign (default: the network\u2019s)')
    .option('--keys-passphrase-file <file>', flagDoc('keysPassphraseFile'))
    .option('--metrics-key <name>', flagDoc('metricsKey'))
    .option('--log-level <level>', flagDoc('logLevel'))
    .option('--log-file <path>', flagDoc('logFile'))
    .option('--log-pretty <mode>', flagDoc('logPretty'))
    .option('--status-interval <s>', flagDoc('statusInterval'))
    .action(async (_opts: unknown, cmd: Command) => {
      const flags = allOptions<Record<string, unknown>>(cmd);
      // commander sets negatable booleans to true by default; only explicit flags should override lower layers.
      for (const name of ['api', 'explorer', 'p2p', 'mdns', 'mine']) if (cmd.getOptionValueSource(name) === 'default') delete flags[name];
      const resolved = configFrom(flags);
      const { config } = resolved;
      const { network } = resolved;
      const logger = await createLogger({ level: config.log.level, file: config.log.file, pretty: config.log.pretty, isTTY: process.stdout.isTTY === true });
      const keyPassphrase = nodeKeyPassphrase(config.keys.passphraseFile);
      const node = new ChainNode(
        { config, network, version: VERSION, isTTY: process.stdout.isTTY === true, ...(keyPassphrase === undefined ? {} : { keyPassphrase }) },
        { logger },
      );
      // A stop must not hang (a stuck peer, a client that never reads): past this, or on a second signal, the
      // mempool is saved and the process exits anyway.
      const forceExit = (why: string, code: number): void => {
        logger.warn({ reason: why }, 'forcing exit after saving the mempool');
        const bail = setTimeout(() => process.exit(code), SAVE_BOUND_MS);
        void node
          .forceSaveMempool()
          .then((n) => logger.info({ count: n }, 'mempool saved'))
          .catch((err: unknown) => logger.error({ err }, 'mempool save failed'))
          .finally(() => {
            clearTimeout(bail);
            process.exit(code);
          });
      };
      let signals = 0;
      const onSignal = (sig: NodeJS.Signals): void => {
        signals++;
        if (signals > 1) {
          logger.warn({ signal: sig }, 'second signal: exiting now');
          forceExit('second signal', 130);
          return;
        }
        logger.info({ signal: sig }, 'shutting down (send again to force)');
        setTimeout(() => forceExit('shutdown deadline', 1), STOP_DEADLINE_MS).unref();
        void node.stop();
      };
      const onHangup = (): void => void node.reloadTls();
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      process.on('SIGHUP', onHangup);
      await node.start();
      if (node.apiUrl !== '') {
        const u = node.apiUrl;
        process.stderr.write(
          [
            `chain-node ${VERSION} on ${network.name} (data: ${config.datadir})`,
            ...(config.api.explorer && explorerDir() !== undefined ? [`  explorer ${u}/`] : []),
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
      process.off('SIGHUP', onHangup);
      if (node.failure !== undefined) {
        logger.fatal({ err: node.failure.message }, 'stopped after a fatal error');
        process.exitCode = 1;
      }
    });
}
