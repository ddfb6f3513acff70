import { readFileSync } from 'node:fs';
import type { Server as HttpsServer } from 'node:https';
import { isIP } from 'node:net';
import { createSecureContext } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { ChainNodeError, type ErrorCode } from '../errors.js';

/** PEM certificate chain and private key of the API's HTTPS listener. */
export interface TlsFiles {
  cert: Buffer;
  key: Buffer;
}

/**
 * Read and check the API's certificate and key (PEM files). Throws TLS_CERT_UNREADABLE or TLS_KEY_UNREADABLE
 * for a file that cannot be read, TLS_INVALID for a certificate that does not parse or a key that does not
 * match it.
 */
export function loadTlsFiles(certPath: string, keyPath: string): TlsFiles {
  const read = (path: string, code: ErrorCode, what: string): Buffer => {
    try {
      return readFileSync(path);
    } catch (err) {
      throw new ChainNodeError(
        code,
        `cannot read the TLS ${what} ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); check --tls-cert/--tls-key (api.tlsCert/api.tlsKey)`,
        { cause: err },
      );
    }
  };
  const cert = read(certPath, 'TLS_CERT_UNREADABLE', 'certificate');
  const key = read(keyPath, 'TLS_KEY_UNREADABLE', 'private key');
  try {
    new X509Certificate(cert);
  } catch (err) {
    throw new ChainNodeError('TLS_INVALID', `${certPath} is not a PEM certificate (${(err as Error).message})`, { cause: err });
  }
  try {
    createSecureContext({ cert, key });
  } catch (err) {
    throw new ChainNodeError(
      'TLS_INVALID',
      `the TLS key ${keyPath} does not fit the certificate ${certPath} or is not a PEM private key (${(err as Error).message})`,
      { cause: err },
    );
  }
  return { cert, key };
}

/** Swap the certificate of a listening HTTPS server; new connections get it, open ones keep theirs. */
export function reloadTls(server: HttpsServer, files: TlsFiles): void {
  server.setSecureContext({ cert: files.cert, key: files.key });
}

/** Whether an API listen address is reachable only from this machine. */
export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1' || host === '[::1]';
}

/**
 * The warning to log at start when the API is reachable beyond loopback without TLS or without requireAuth
 * (undefined when it is not).
 */
export function exposureWarning(host: string, tls: boolean, requireAuth: boolean): string | undefined {
  if (isLoopbackHost(host)) return undefined;
  const missing = [
    ...(tls ? [] : ['TLS (--tls-cert/--tls-key): tokens and data cross the network in clear']),
    ...(requireAuth ? [] : ['--require-auth: anyone who reaches it can read and submit']),
  ];
  if (missing.length === 0) return undefined;
  return `the HTTP API listens on ${host}, beyond loopback, without ${missing.join('; without ')}`;
}
