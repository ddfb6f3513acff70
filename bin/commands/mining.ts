import type { Command } from 'commander';
import type { MiningStatusJson } from '../../src/api/types.js';
import { benchHashing } from '../../src/client/hash-bench.js';
import { formatHashrate } from '../../src/client/stats.js';
import { parseCpuFeatures } from '../../src/mining/cpu-calibration.js';
import { allOptions, print } from './common.js';
import { clientContext, intOption, numberOption, withAdmin, withApi } from './client-common.js';

function describeMining(m: MiningStatusJson): string {
  return `mining ${m.enabled ? 'on' : 'off'}${m.backend === null ? '' : ` (${m.backend}`}${m.backend === null ? '' : `, ${formatHashrate(m.hashrate)})`}, ${m.blocksMined} block(s) mined`;
}

/** `chain-node mining start|stop|status` (admin token from the cookie) and `chain-node bench`. */
export function registerMining(program: Command): void {
  const mining = program.command('mining').description("control the node's miner (start and stop need the admin token from <datadir>/api.cookie)");
  withAdmin(
    mining
      .command('start')
      .description('start mining')
      .option('--threads <n>', 'CPU threads (0 = one per core)')
      .option('--backend <name>', 'auto, cuda, native-cpu or wasm'),
  ).action(async (_o: unknown, cmd: Command) => {
    const ctx = clientContext(cmd, { admin: true });
    const f = ctx.flags as typeof ctx.flags & { threads?: string; backend?: string };
    const threads = intOption(f.threads, '--threads');
    const m = await ctx.client.startMining({ ...(threads === undefined ? {} : { threads }), ...(f.backend === undefined ? {} : { backend: f.backend }) });
    print(ctx.json, m, describeMining(m));
  });
  withAdmin(mining.command('stop').description('stop mining')).action(async (_o: unknown, cmd: Command) => {
    const ctx = clientContext(cmd, { admin: true });
    const m = await ctx.client.stopMining();
    print(ctx.json, m, describeMining(m));
  });
  withApi(mining.command('status').description('mining status')).action(async (_o: unknown, cmd: Command) => {
    const ctx = clientContext(cmd);
    const m = await ctx.client.mining();
    print(ctx.json, m, describeMining(m));
  });

  program
    .command('bench')
    .description('hash rate of every mining backend that runs here, next to a plain JS (@noble/hashes) baseline')
    .option('--seconds <s>', 'seconds per backend (default 2)')
    .option('--hide-cpu <features>', 'simulate a CPU without these features (comma-separated: sha-ni, avx512, avx2)')
    .action(async (_o: unknown, cmd: Command) => {
      const flags = allOptions<{ seconds?: string; hideCpu?: string }>(cmd);
      const hideCpuFeatures = parseCpuFeatures(flags.hideCpu);
      const seconds = numberOption(flags.seconds, '--seconds') ?? 2;
      const fmt = (v: number): string => v.toExponential(2).replace('e+', 'e');
      if (flags.json !== true)
        process.stdout.write(`${'backend'.padEnd(12)} ${'impl'.padEnd(22)} ${'threads'.padStart(7)} ${'H/s'.padStart(10)} ${'vs JS'.padStart(8)}\n`);
      const r = await benchHashing(
        seconds,
        (row) => {
          const impl = row.auto === true ? `${row.impl} (auto)` : row.impl;
          if (flags.json !== true)
            process.stdout.write(
              `${row.backend.padEnd(12)} ${impl.padEnd(22)} ${row.threads.padStart(7)} ${fmt(row.hashesPerSec).padStart(10)} ${`${row.vsJs}x`.padStart(8)}\n`,
            );
        },
        { hideCpuFeatures },
      );
      if (flags.json === true) print(true, r, '');
      else if (r.cpuPaths !== undefined) {
        const c = r.cpuPaths.calibration;
        process.stdout.write(`auto: ${r.cpuPaths.auto} (calibration ${c.ms} ms: ${c.paths.map((p) => `${p.path} ${fmt(p.hashesPerSecond)}`).join(', ')})\n`);
      }
    });
}
