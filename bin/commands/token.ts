import type { Command } from 'commander';
import type { TokenJson } from '../../src/api/routes/token-routes.js';
import { ChainNodeError } from '../../src/errors.js';
import { print } from './common.js';
import { clientContext, intOption, withAdmin } from './client-common.js';

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3_600, d: 86_400, w: 604_800 };

/** Parse a lifetime such as `3600`, `90m`, `12h`, `30d` or `2w` into seconds (`BAD_OPTION` otherwise). */
export function parseDuration(value: string, name: string): number {
  const m = /^(\d+)([smhdw]?)$/.exec(value.trim());
  const n = m === null ? 0 : Number(m[1]) * UNIT_SECONDS[m[2] === '' ? 's' : m[2]];
  if (m === null || n <= 0) throw new ChainNodeError('BAD_OPTION', `${name} must be a positive duration: seconds, or a number with s, m, h, d or w (e.g. 30d)`);
  return n;
}

function describe(t: TokenJson): string {
  const limit = t.rateLimitPerMinute === null ? 'default' : t.rateLimitPerMinute === 0 ? 'unlimited' : `${t.rateLimitPerMinute}/min`;
  return `${t.id}  ${t.state.padEnd(7)}  ${t.scopes.join(' ')}  ${t.name === '' ? '-' : t.name}  expires ${t.expiresAt ?? 'never'}  limit ${limit}`;
}

/** `chain-node token create|list|revoke`: API tokens with scopes (admin: the cookie token). */
export function registerToken(program: Command): void {
  const token = program
    .command('token')
    .description('API tokens with scopes (read, submit, sign:<key>, admin); needs the admin token from <datadir>/api.cookie');
  withAdmin(
    token
      .command('create')
      .description('create a token and print its secret (shown this once: store it now)')
      .requiredOption('--scope <scopes...>', 'scopes: read, submit, sign:<key name>, admin (repeatable or space-separated)')
      .option('--name <name>', 'a label for listings (who or what uses it)')
      .option('--expires <duration>', 'lifetime: seconds, or a number with s, m, h, d or w (e.g. 30d); default never')
      .option('--rate-limit <n>', 'requests per minute for this token (0 = unlimited; default api.tokenRateLimitPerMinute)'),
  ).action(async (_o: unknown, cmd: Command) => {
    const ctx = clientContext(cmd, { admin: true });
    const f = ctx.flags as typeof ctx.flags & { scope: string[]; name?: string; expires?: string; rateLimit?: string };
    const scopes = f.scope.flatMap((s) => s.split(/[\s,]+/)).filter(Boolean);
    const limit = intOption(f.rateLimit, '--rate-limit');
    const r = await ctx.client.createToken({
      scopes,
      ...(f.name === undefined ? {} : { name: f.name }),
      ...(f.expires === undefined ? {} : { expiresInSeconds: parseDuration(f.expires, '--expires') }),
      ...(limit === undefined ? {} : { rateLimitPerMinute: limit }),
    });
    print(ctx.json, r, `${r.token}\n(token ${r.info.id}, scopes ${r.info.scopes.join(' ')}: shown this once; send it as Authorization: Bearer <token>)`);
  });
  withAdmin(token.command('list').description('every token with its scopes, state and expiry (never the secrets)')).action(
    async (_o: unknown, cmd: Command) => {
      const ctx = clientContext(cmd, { admin: true });
      const r = await ctx.client.listTokens();
      print(ctx.json, r, r.tokens.length === 0 ? 'no API tokens' : r.tokens.map(describe).join('\n'));
    },
  );
  withAdmin(token.command('revoke').description('revoke a token by id (it stops working at once)').argument('<id>', 'token id (see token list)')).action(
    async (id: string, _o: unknown, cmd: Command) => {
      const ctx = clientContext(cmd, { admin: true });
      const r = await ctx.client.revokeToken(id);
      print(ctx.json, r, `revoked ${describe(r)}`);
    },
  );
}
