import { join } from 'node:path';
import type { Logger } from 'pino';
import { JwtVerifier, type JwtAlg } from '../auth/jwt.js';
import { TOKENS_FILE, TokenStore } from '../auth/token-store.js';
import { ChainNodeError } from '../errors.js';
import { exposureWarning, loadTlsFiles, type TlsFiles } from './tls.js';

/** What the API's security settings open at start: the token store, the JWT verifier and the TLS files. */
export interface ApiSecurity {
  tokens: TokenStore;
  jwt: JwtVerifier | undefined;
  tls: TlsFiles | undefined;
  /** Re-read the TLS files (SIGHUP); undefined without TLS. Throws like {@link loadTlsFiles}. */
  reloadTls: (() => TlsFiles) | undefined;
}

/** The configuration the API's security reads (the node passes its config; the API does not import the config layer). */
export interface ApiSecurityConfig {
  datadir: string;
  api: {
    host: string;
    requireAuth: boolean;
    tlsCert: string;
    tlsKey: string;
    jwtAlg: string;
    jwtKeyFile: string;
    jwtIssuer: string;
    jwtAudience: string;
    jwtScopeClaim: string;
  };
}

/**
 * Open the API's credentials and TLS files from the configuration, failing with a stable code (TLS_*,
 * JWT_CONFIG_INVALID, TOKEN_STORE_*) before anything listens; logs the exposure warning.
 */
export async function openApiSecurity(config: ApiSecurityConfig, deps: { logger: Logger; now?: () => number }): Promise<ApiSecurity> {
  const a = config.api;
  const log = deps.logger.child({ module: 'api' });
  const tokens = await TokenStore.open({ path: join(config.datadir, TOKENS_FILE) }, deps.now === undefined ? {} : { now: deps.now });
  let jwt: JwtVerifier | undefined;
  if (a.jwtAlg !== '') {
    jwt = await JwtVerifier.open(
      { alg: a.jwtAlg as JwtAlg, keyFile: a.jwtKeyFile, issuer: a.jwtIssuer, audience: a.jwtAudience, scopeClaim: a.jwtScopeClaim },
      deps.now === undefined ? {} : { now: deps.now },
    );
  }
  if ((a.tlsCert === '') !== (a.tlsKey === '')) {
    throw new ChainNodeError('TLS_INVALID', `HTTPS needs both --tls-cert and --tls-key (only ${a.tlsCert === '' ? '--tls-key' : '--tls-cert'} is set)`);
  }
  const reloadTls = a.tlsCert === '' ? undefined : () => loadTlsFiles(a.tlsCert, a.tlsKey);
  const tls = reloadTls?.();
  const warning = exposureWarning(a.host, tls !== undefined, a.requireAuth);
  if (warning !== undefined) log.warn({ code: 'API_EXPOSED', host: a.host, tls: tls !== undefined, requireAuth: a.requireAuth }, warning);
  return { tokens, jwt, tls, reloadTls };
}
