// Command-line usage errors and start-up refusals (issue 17, item 4): every one has a stable code, honours
// --json, suggests the option meant, and happens before anything is started. No node needs to run except for
// the API-port-in-use case.
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import t from 'tap';
import { ensureBuilt, errorCode, runCli, tempDir } from './support.js';

ensureBuilt();

t.test('argument errors: codes, --json, did you mean', async (t) => {
  const home = tempDir(t);
  const kye = await runCli(['tx', 'send', '--kye', 'alice', '--kind', 'x'], { home });
  t.equal(kye.code, 1);
  t.equal(
    kye.stderr,
    "error [CLI_UNKNOWN_OPTION]: unknown option '--kye' (Did you mean --key?)\n",
    'an unknown option is reported before the missing required one',
  );

  const kyeJson = await runCli(['--json', 'tx', 'send', '--kye', 'alice', '--kind', 'x'], { home });
  t.same(JSON.parse(kyeJson.stderr), { error: { code: 'CLI_UNKNOWN_OPTION', message: "unknown option '--kye' (Did you mean --key?)" } });

  const cmd = await runCli(['tx', 'sned', '--json'], { home });
  t.equal(cmd.code, 1);
  t.equal(errorCode(cmd), 'CLI_UNKNOWN_COMMAND');
  t.match(JSON.parse(cmd.stderr), { error: { message: /unknown command 'sned'.*Did you mean send\?/ } });

  const top = await runCli(['--json', 'frobnicate'], { home });
  t.equal(errorCode(top), 'CLI_UNKNOWN_COMMAND');

  const missing = await runCli(['tx', 'send', '--kind', 'x', '--json'], { home });
  t.same(JSON.parse(missing.stderr), { error: { code: 'CLI_MISSING_OPTION', message: "required option '--key <name>' not specified" } });

  const arg = await runCli(['tx', 'get'], { home });
  t.equal(errorCode(arg), 'CLI_MISSING_ARGUMENT');

  const help = await runCli(['tx', 'get', '--help'], { home });
  t.equal(help.code, 0, 'help is not an error');
  t.equal(help.stderr, '');
  t.match(
    help.stdout,
    /Global Options:[\s\S]*--json[\s\S]*--network <name>[\s\S]*--api <url>[\s\S]*--cookie <file>/,
    'subcommand help lists the global options',
  );
  const sendHelp = await runCli(['tx', 'send', '--help'], { home });
  t.match(sendHelp.stdout, /--key <name>\s+stored key that signs \(the actor\) \(required\)/);
});

t.test('--api is accepted before and after the subcommand', async (t) => {
  const home = tempDir(t);
  // Port 1 on loopback: nothing listens, so the client reports the URL it used.
  for (const args of [
    ['--api', 'http://127.0.0.1:1', 'tx', 'get', 'ab'.repeat(32)],
    ['tx', 'get', 'ab'.repeat(32), '--api', 'http://127.0.0.1:1'],
  ]) {
    const r = await runCli(args, { home });
    t.equal(errorCode(r), 'API_UNREACHABLE', args.join(' '));
    t.match(r.stderr, /http:\/\/127\.0\.0\.1:1\b/);
  }
  const config = await runCli(['--api', 'http://127.0.0.1:1', 'config', '--network', 'regtest', '--json'], { home });
  t.equal(config.code, 0, `the global --api URL is not taken for start's --no-api (api.enabled): ${config.stderr}`);
});

t.test('tx get with a malformed txid names the rule, not the HTTP schema', async (t) => {
  const home = tempDir(t);
  const r = await runCli(['tx', 'get', 'deadbeef', '--api', 'http://127.0.0.1:1'], { home });
  t.equal(errorCode(r), 'BAD_TXID', 'refused before any request');
  t.equal(r.stderr, 'error [BAD_TXID]: txid must be 64 hex characters (a SHA-256 hash), got "deadbeef"\n');
});

t.test('unknown config keys: a warning with a suggestion, refused with --strict-config', async (t) => {
  const home = tempDir(t);
  const file = join(home, 'config.json');
  writeFileSync(file, JSON.stringify({ api: { prot: 18000, port: 18001 }, mining: { thread: 2 }, colour: 'blue' }));
  const warn = await runCli(['config', '--network', 'regtest', '--config', file, '--json'], { home });
  t.equal(warn.code, 0, warn.stderr);
  t.match(warn.stderr, `warning [CONFIG_UNKNOWN_KEY]: config file ${file}: unknown key 'api.prot' (did you mean 'api.port'?) is ignored`);
  t.match(warn.stderr, "unknown key 'mining.thread' (did you mean 'mining.threads'?)");
  t.match(warn.stderr, /unknown key 'colour' is ignored/, 'no suggestion when nothing is close');
  t.equal(warn.stderr.split('\n').filter(Boolean).length, 3, 'one line per unknown key, nothing for the known api.port');

  const strict = await runCli(['--strict-config', 'config', '--network', 'regtest', '--config', file], { home });
  t.equal(strict.code, 1);
  t.equal(errorCode(strict), 'CONFIG_UNKNOWN_KEY');
  t.match(strict.stderr, "unknown key 'api.prot' (did you mean 'api.port'?)");

  const start = await runCli(['start', '--strict-config', '--network', 'regtest', '--config', file, '--datadir', join(home, 'd'), '--no-p2p'], { home });
  t.equal(errorCode(start), 'CONFIG_UNKNOWN_KEY', 'start refuses too, before starting anything');
  t.notMatch(start.stderr + start.stdout, /chain loaded/);
});

t.test('start: a port out of range is refused before anything starts', async (t) => {
  const home = tempDir(t);
  const r = await runCli(['start', '--network', 'regtest', '--api-port', '99999', '--datadir', join(home, 'd')], { home });
  t.equal(r.code, 1);
  t.equal(errorCode(r), 'CONFIG_INVALID');
  t.match(r.stderr, "'api.port' must be an integer from 0 to 65535, got 99999");
  t.notMatch(r.stdout + r.stderr, /p2p listening|chain loaded/, 'nothing was started');
  const p2p = await runCli(['start', '--network', 'regtest', '--p2p-port', '70000', '--datadir', join(home, 'd')], { home });
  t.equal(errorCode(p2p), 'CONFIG_INVALID');
});

t.test('start: the API port in use gets API_LISTEN_FAILED with what to do, like the P2P port', async (t) => {
  const home = tempDir(t);
  const server: Server = createServer();
  const port = await new Promise<number>((res) => server.listen(0, '127.0.0.1', () => res((server.address() as { port: number }).port)));
  t.teardown(() => server.close());
  const r = await runCli(['start', '--network', 'regtest', '--api-port', String(port), '--no-p2p', '--no-mine', '--datadir', join(home, 'd')], { home });
  t.equal(r.code, 1);
  t.equal(errorCode(r), 'API_LISTEN_FAILED');
  t.match(r.stderr, `cannot serve the HTTP API on 127.0.0.1:${port} (address in use); choose another --api-port (0 = any free port) or --no-api`);
  t.notMatch(r.stderr, /INTERNAL_ERROR/);
});
