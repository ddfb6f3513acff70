import type { Command } from 'commander';
import type { ActionJson, BlockJson } from '../../src/api/types.js';
import { ChainNodeError } from '../../src/errors.js';
import { print } from './common.js';
import { clientContext, intOption, isoTime, keystoreFrom, withApi, withKeystore } from './client-common.js';

function describeBlock(b: BlockJson): string {
  const lines = [
    `block ${b.height} ${b.hash}`,
    `  time           ${isoTime(b.time)}`,
    `  prev           ${b.prevHash}`,
    `  merkle root    ${b.merkleRoot}`,
    `  bits / nonce   ${b.bits} / ${b.nonce}`,
    `  txs            ${b.txCount} (${b.size} bytes)`,
    `  confirmations  ${b.confirmations}`,
    ...(b.miner === undefined ? [] : [`  miner          ${b.miner}`]),
  ];
  if (b.txs !== undefined)
    for (const t of b.txs) lines.push(`  ${t.txid}  ${t.kind}${t.subject === undefined ? '' : ` ${t.subject}`}  ${t.from.slice(0, 16)}.. #${t.nonce}`);
  else if (b.txids !== undefined) for (const id of b.txids) lines.push(`  ${id}`);
  return lines.join('\n');
}

function describeActions(items: ActionJson[]): string[] {
  return items.map(
    (a) =>
      `  ${isoTime(a.time)}  block ${a.height}  ${a.txid}  ${a.tx.kind}${a.tx.subject === undefined ? '' : ` ${a.tx.subject}`}  by ${a.tx.from.slice(0, 16)}.. #${a.tx.nonce}`,
  );
}

/** `block get`, `chain head`, `account`, `subject`, `peers`: read-only queries. */
export function registerQueries(program: Command): void {
  const block = program.command('block').description('blocks');
  withApi(block.command('get <id>').description('a block by height or hash').option('--full', 'include the decoded transactions')).action(
    async (id: string, _o: unknown, cmd: Command) => {
      const ctx = clientContext(cmd);
      const b = await ctx.client.block(id, (ctx.flags as { full?: boolean }).full === true);
      print(ctx.json, b, describeBlock(b));
    },
  );

  const chain = program.command('chain').description('the chain');
  withApi(chain.command('head').description('the tip block and node status')).action(async (_o: unknown, cmd: Command) => {
    const ctx = clientContext(cmd);
    const [s, tip] = await Promise.all([ctx.client.status(), ctx.client.tip()]);
    const { txids: _ids, ...head } = tip;
    print(
      ctx.json,
      { network: s.network, chainId: s.chainId, ...head, mempool: s.mempool },
      [
        `${s.network} height ${tip.height}`,
        `  tip      ${tip.hash}`,
        `  time     ${isoTime(tip.time)} (${s.tip.age} s ago)`,
        `  work     0x${tip.chainWork}`,
        `  mempool  ${s.mempool.count} tx`,
      ].join('\n'),
    );
  });

  withKeystore(
    withApi(
      program
        .command('account [actor]')
        .description("an actor's nonces and recent actions (actor = compressed public key hex, or --key)")
        .option('--key <name>', 'the actor of a stored key')
        .option('--limit <n>', 'recent actions to show (default 10)'),
    ),
  ).action(async (actorArg: string | undefined, _o: unknown, cmd: Command) => {
    const ctx = clientContext(cmd);
    const f = ctx.flags as typeof ctx.flags & { key?: string; limit?: string };
    if ((actorArg === undefined) === (f.key === undefined)) throw new ChainNodeError('BAD_OPTION', 'give an actor or --key <name> (one of them)');
    const actor = actorArg ?? (await keystoreFrom(ctx.flags).show(f.key!)).publicKey;
    const limit = intOption(f.limit, '--limit', 1) ?? 10;
    const [acct, page] = await Promise.all([ctx.client.account(actor), ctx.client.accountActions(actor, { limit, reverse: true })]);
    print(
      ctx.json,
      { ...acct, recent: page.items },
      [
        `actor ${acct.actor}`,
        `  next nonce     ${acct.nextNonce} (mined)`,
        `  pending nonce  ${acct.pendingNonce} (${acct.pending} pending)`,
        `  recent actions:`,
        ...describeActions(page.items),
      ].join('\n'),
    );
  });

  withApi(
    program
      .command('subject <subject>')
      .description('mined actions about a subject (a document hash, an item id, a container id), in chain order')
      .option('--limit <n>', 'most actions (default 100)')
      .option('--cursor <cursor>', 'continue after a previous page')
      .option('--reverse', 'newest first'),
  ).action(async (subject: string, _o: unknown, cmd: Command) => {
    const ctx = clientContext(cmd);
    const f = ctx.flags as typeof ctx.flags & { limit?: string; cursor?: string; reverse?: boolean };
    const page = await ctx.client.subjectActions(subject, {
      limit: intOption(f.limit, '--limit', 1) ?? 100,
      ...(f.cursor === undefined ? {} : { cursor: f.cursor }),
      ...(f.reverse === true ? { reverse: true } : {}),
    });
    print(
      ctx.json,
      { subject, ...page },
      [
        `subject ${subject}: ${page.items.length} action(s)`,
        ...describeActions(page.items),
        ...(page.nextCursor === undefined ? [] : [`  more: --cursor ${page.nextCursor}`]),
      ].join('\n'),
    );
  });

  withApi(program.command('peers').description('connected peers and this node\u2019s addresses')).action(async (_o: unknown, cmd: Command) => {
    const ctx = clientContext(cmd);
    const r = await ctx.client.peers();
    print(
      ctx.json,
      r,
      [
        `self: ${r.self.length === 0 ? '(no p2p addresses)' : r.self.join(', ')}`,
        `${r.peers.length} peer(s)`,
        ...r.peers.map((p) => `  ${p.id} ${p.direction} score ${p.score}${p.height === undefined ? '' : ` height ${p.height}`} ${p.addresses.join(' ')}`),
      ].join('\n'),
    );
  });
}
