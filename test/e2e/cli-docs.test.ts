// The CLI documents itself (issue 17, item 8): help topics, shell completion, the example config and genesis
// files (accepted as shipped), `key list` headers and `chain-node mempool`.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { CONFIG_KEYS } from '../../src/config/schema.js';
import { ensureBuilt, errorCode, http, json, ROOT, runCli, startNode, tempDir, waitFor } from './support.js';

ensureBuilt();

t.test('help topics', async (t) => {
  const home = tempDir(t);
  const list = await runCli(['help'], { home });
  t.equal(list.code, 0);
  t.match(list.stdout, /Topics \(chain-node help <topic>\):\n {2}config /);
  const config = await runCli(['help', 'config'], { home });
  for (const k of CONFIG_KEYS) t.match(config.stdout, new RegExp(`^ {2}${k.path.replace('.', '\\.')} +\\w+ +${k.env} `, 'm'), `help config lists ${k.path}`);
  const genesis = await runCli(['help', 'genesis'], { home });
  t.match(genesis.stdout, join(ROOT, 'examples', 'genesis.json'));
  const cmd = await runCli(['help', 'tx', 'send'], { home });
  t.match(cmd.stdout, /^Usage: chain-node tx send \[options\]/);
  const start = await runCli(['help', 'start'], { home });
  t.match(start.stdout, /^Usage: chain-node start \[options\]/);
  t.equal(errorCode(await runCli(['help', 'nope'], { home })), 'HELP_UNKNOWN_TOPIC');
});

t.test('completion scripts', async (t) => {
  const home = tempDir(t);
  const b = await runCli(['completion', 'bash'], { home });
  t.equal(b.code, 0, b.stderr);
  const script = join(home, 'chain-node.bash');
  writeFileSync(script, b.stdout);
  const complete = (words: string[]): string[] => {
    const r = spawnSync(
      'bash',
      [
        '-c',
        `source ${script}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _chain_node; printf '%s\\n' "\${COMPREPLY[@]}"`,
      ],
      { encoding: 'utf8' },
    );
    t.equal(r.status, 0, r.stderr);
    return r.stdout.split('\n').filter(Boolean).sort();
  };
  t.ok(complete(['chain-node', 'st']).includes('start'), 'top-level commands, start included');
  t.notOk(complete(['chain-node', 'st']).includes('send'), 'only those matching the prefix');
  t.same(complete(['chain-node', 'tx', 'se']), ['send']);
  t.same(complete(['chain-node', 'tx', 'send', '--k']), ['--key', '--keystore', '--kind']);
  t.ok(complete(['chain-node', 'mining', '']).includes('status'));
  t.ok(complete(['chain-node', 'doc', 'verify', '--']).includes('--api'), 'global options complete after a subcommand');
  const z = await runCli(['completion', 'zsh'], { home });
  t.match(z.stdout, /^#compdef chain-node\n[\s\S]*bashcompinit[\s\S]*complete -o default -F _chain_node chain-node/);
  const f = await runCli(['completion', 'fish'], { home });
  t.match(f.stdout, /complete -c chain-node -n '__fish_seen_subcommand_from send' -l 'key'/);
  t.equal(errorCode(await runCli(['completion', 'tcsh'], { home })), 'BAD_OPTION');
});

t.test('the example genesis file is accepted by init', async (t) => {
  const home = tempDir(t);
  const r = await runCli(['init', join(ROOT, 'examples', 'genesis.json'), '--datadir', join(home, 'acme-audit'), '--json'], { home });
  t.equal(r.code, 0, r.stderr);
  t.match(json(r), { network: 'acme-audit', genesisHash: /^0/ });
});

t.test('the example config file is accepted by start --config (strictly), and key list and mempool', async (t) => {
  const home = tempDir(t);
  const datadir = join(home, 'regtest');
  // The example's own ports are fixed; free ones come from flags, which override the file.
  const node = await startNode(t, {
    datadir,
    home,
    mine: false,
    args: ['--config', join(ROOT, 'examples', 'config.json'), '--strict-config', '--api-port', '0', '--no-p2p'],
  });
  t.notMatch(node.stderr(), /CONFIG_UNKNOWN_KEY/);

  const pass = join(home, 'pass.txt');
  writeFileSync(pass, 'pw\n');
  for (const name of ['alice', 'bob']) t.equal((await runCli(['key', 'generate', name, '--passphrase-file', pass, '--datadir', datadir], { home })).code, 0);
  const keys = await runCli(['key', 'list', '--datadir', datadir], { home });
  const lines = keys.stdout.trimEnd().split('\n');
  t.match(lines[0], /^NAME +ACTOR \(PUBLIC KEY\) +CREATED$/, 'key list has column headers');
  t.match(lines[1], /^alice +0[23][0-9a-f]{64} +\d{4}-/);
  t.equal(lines.length, 3);

  const g = ['--network', 'regtest', '--datadir', datadir, '--api', node.url];
  const empty = await runCli(['mempool', ...g], { home });
  t.equal(empty.stdout, 'mempool: 0 transaction(s), 0 bytes, 0 actor(s)\n');
  const sent = await runCli(['tx', 'send', '--key', 'alice', '--kind', 'audit.login', '--passphrase-file', pass, ...g, '--json'], { home });
  t.equal(sent.code, 0, sent.stderr);
  const txid = json<{ txid: string }>(sent).txid;
  await waitFor('the tx in the mempool', async () => (((await http(`${node.url}/mempool`)).body.count as number) === 1 ? true : undefined));
  const one = await runCli(['mempool', ...g], { home });
  t.match(one.stdout, /^mempool: 1 transaction\(s\), \d+ bytes, 1 actor\(s\)\ntxid +kind +actor +nonce +time\n/);
  t.match(one.stdout, new RegExp(`^${txid}  audit\\.login +[0-9a-f]{16}\\.\\. +0  \\d{4}-`, 'm'));
  const js = json<{ count: number; txs: Array<{ txid: string }> }>(await runCli(['mempool', ...g, '--json'], { home }));
  t.equal(js.count, 1);
  t.equal(js.txs[0]?.txid, txid);

  // load names the library that signs (the secp256k1 package, not the node's addon) and times signing once.
  const load = await runCli(['load', '--count', '20', '--actors', '2', ...g], { home });
  t.equal(load.code, 0, load.stderr);
  t.match(load.stderr, /^signed 20 transactions in \d+\.\d s \(libsecp256k1 via the secp256k1 package\)$/m);
  t.equal((load.stdout + load.stderr).match(/signed/g)?.length, 1, 'the signing time is printed once');
  t.notMatch(load.stdout + load.stderr, /native/);
});
