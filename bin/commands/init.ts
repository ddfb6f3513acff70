import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { mineGenesis, networkJsonFromSpec, networkToJson } from '../../src/client/init-network.js';
import { chainId } from '../../src/consensus/networks.js';
import { ChainNodeError } from '../../src/errors.js';
import { toHex } from '../../src/util/bytes.js';
import { blockHashToHex } from '../../src/primitives/header.js';
import { loadBackend } from '../../src/mining/loader.js';
import { allOptions, print } from './common.js';
import { baseFromFlags, type ClientFlags } from './client-common.js';

/** `chain-node init <genesis.json>`: create a custom network, mining its genesis block. */
export function registerInit(program: Command): void {
  program
    .command('init <genesis-file>')
    .description(
      'create a custom network from a genesis JSON file (name, powLimitBits, targetSpacing, halfLife, limits, ports); mines the genesis nonce and writes <base>/networks/<name>.json for `start --network <name>`',
    )
    .option('--force', 'overwrite an existing network file of that name')
    .action(async (file: string, _o: unknown, cmd: Command) => {
      const flags = allOptions<ClientFlags & { force?: boolean }>(cmd);
      let spec: unknown;
      try {
        spec = JSON.parse(await readFile(file, 'utf8'));
      } catch (err) {
        throw new ChainNodeError('GENESIS_INVALID', `cannot read genesis file '${file}': ${(err as Error).message}`);
      }
      const json = networkJsonFromSpec(spec);
      const dir = join(baseFromFlags(flags), 'networks');
      const target = join(dir, `${json.name}.json`);
      if (flags.force !== true) {
        const exists = await readFile(target).then(
          () => true,
          () => false,
        );
        if (exists)
          throw new ChainNodeError(
            'NETWORK_EXISTS',
            `network '${json.name}' already exists (${target}); pass --force to replace it (its chains become invalid)`,
          );
      }
      const backend = await loadBackend('auto');
      let mined;
      try {
        mined = await mineGenesis(json, backend);
      } finally {
        await backend.close?.();
      }
      await mkdir(dir, { recursive: true });
      const tmp = `${target}.tmp`;
      await writeFile(tmp, `${JSON.stringify(networkToJson(mined.network), null, 2)}\n`);
      await rename(tmp, target);
      const g = mined.network.genesis;
      const out = {
        network: mined.network.name,
        file: target,
        chainId: toHex(chainId(mined.network)),
        genesisHash: blockHashToHex(chainId(mined.network)),
        time: g.time,
        bits: g.bits,
        nonce: g.nonce,
        hashes: mined.hashes,
        seconds: Math.round(mined.seconds * 100) / 100,
        backend: mined.backend,
      };
      print(
        flags.json,
        out,
        [
          `network ${out.network} written to ${target}`,
          `  mined     nonce ${g.nonce}, time ${g.time}, bits 0x${g.bits.toString(16)} (${mined.hashes} hashes in ${out.seconds} s on ${mined.backend})`,
          `  genesis   ${out.genesisHash}`,
          `  chain id  ${out.chainId}`,
          `  start it: chain-node start --network ${out.network}${flags.datadir === undefined ? '' : ` --datadir ${join(baseFromFlags(flags), out.network)}`}`,
        ].join('\n'),
      );
    });
}
