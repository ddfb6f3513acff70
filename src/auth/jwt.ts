import { createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { decodeProtectedHeader, errors as joseErrors, jwtVerify } from 'jose';
import { ChainNodeError } from '../errors.js';
import { AuthError } from './errors.js';
import { isScope, type Scope } from './scopes.js';

/** Algorithms a node accepts JWTs in (one is configured; every other, `none` included, is refused). */
export type JwtAlg = 'HS256' | 'EdDSA';

/** JWT verification settings (config keys api.jwt*). */
export interface JwtOptions {
  alg: JwtAlg;
  /** HS256: a file holding the shared secret (at least 32 bytes). EdDSA: the identity provider's Ed25519 public key (PEM SPKI). */
  keyFile: string;
  issuer: string;
  audience: string;
  /** Claim holding the scopes: a space-separated string (OAuth 2.0 `scope`) or a list of strings. */
  scopeClaim: string;
  /** Accepted clock skew in seconds for exp/nbf. */
  clockToleranceSeconds?: number;
}

/** A verified JWT's identity and scopes. */
export interface JwtPrincipal {
  subject: string;
  scopes: Scope[];
}

const JWS_COMPACT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
// Verified JWTs kept (a client sends the same one on every request; a signature check costs ~100-150 us).
const CACHE_ENTRIES = 1_024;

/** Verifies bearer JWTs against one configured key, issuer and audience with `jose`. */
export class JwtVerifier {
  readonly #opts: JwtOptions;
  readonly #key: KeyObject;
  readonly #now: () => number;
  /** Verified tokens (insertion order = age) with their expiry in ms (Infinity: no exp claim). */
  readonly #verified = new Map<string, { principal: JwtPrincipal; expiresAt: number }>();

  private constructor(opts: JwtOptions, key: KeyObject, now: () => number) {
    this.#opts = opts;
    this.#key = key;
    this.#now = now;
  }

  /** Load the key file; throws JWT_CONFIG_INVALID naming what is wrong (the node refuses to start). */
  static async open(opts: JwtOptions, deps: { now?: () => number } = {}): Promise<JwtVerifier> {
    const bad = (why: string, cause?: unknown): never => {
      throw new ChainNodeError('JWT_CONFIG_INVALID', `JWT verification (api.jwtAlg ${opts.alg}): ${why}`, { cause });
    };
    if (opts.alg !== 'HS256' && opts.alg !== 'EdDSA') bad(`api.jwtAlg must be HS256 or EdDSA, not '${String(opts.alg)}'`);
    if (opts.issuer === '' || opts.audience === '') bad('set api.jwtIssuer and api.jwtAudience (a JWT for another issuer or service must not pass)');
    if (opts.keyFile === '') bad('set api.jwtKeyFile');
    let bytes: Buffer = Buffer.alloc(0);
    try {
      bytes = await readFile(opts.keyFile);
    } catch (err) {
      bad(`cannot read api.jwtKeyFile ${opts.keyFile} (${(err as Error).message})`, err);
    }
    let key: KeyObject | undefined;
    if (opts.alg === 'HS256') {
      const secret = Buffer.from(bytes.toString('utf8').trim(), 'utf8');
      if (secret.length < 32) bad(`the HS256 secret in ${opts.keyFile} is ${secret.length} bytes; use at least 32 (openssl rand -base64 48)`);
      key = createSecretKey(secret);
    } else {
      try {
        key = createPublicKey(bytes);
      } catch (err) {
        bad(`${opts.keyFile} is not a PEM public key (${(err as Error).message})`, err);
      }
      if (key?.asymmetricKeyType !== 'ed25519') bad(`${opts.keyFile} holds a ${key?.asymmetricKeyType ?? 'unknown'} key; EdDSA needs an Ed25519 public key`);
    }
    return new JwtVerifier(opts, key!, deps.now ?? Date.now);
  }

  /** Whether a bearer string has the shape of a JWS (three base64url parts, the last may be empty for alg none). */
  static looksLikeJwt(s: string): boolean {
    return JWS_COMPACT.test(s);
  }

  /** Verify a JWT and map its scope claim; throws an {@link AuthError} with one code per failure. */
  async verify(jwt: string): Promise<JwtPrincipal> {
    const hit = this.#verified.get(jwt);
    if (hit !== undefined) {
      if (this.#now() < hit.expiresAt) return hit.principal;
      this.#verified.delete(jwt);
    }
    const { principal, exp } = await this.#verifyFully(jwt);
    if (this.#verified.size >= CACHE_ENTRIES) this.#verified.delete(this.#verified.keys().next().value!);
    this.#verified.set(jwt, { principal, expiresAt: exp === undefined ? Infinity : (exp + (this.#opts.clockToleranceSeconds ?? 30)) * 1000 });
    return principal;
  }

  async #verifyFully(jwt: string): Promise<{ principal: JwtPrincipal; exp: number | undefined }> {
    let alg: unknown;
    try {
      alg = decodeProtectedHeader(jwt).alg;
    } catch (err) {
      throw new AuthError('AUTH_JWT_INVALID', 'the JWT header does not decode', { cause: err });
    }
    if (alg !== this.#opts.alg) throw new AuthError('AUTH_JWT_ALG', `JWT alg '${String(alg)}' refused: this node accepts ${this.#opts.alg} only`);
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(jwt, this.#key, {
        algorithms: [this.#opts.alg],
        issuer: this.#opts.issuer,
        audience: this.#opts.audience,
        clockTolerance: this.#opts.clockToleranceSeconds ?? 30,
        currentDate: new Date(this.#now()),
      }));
    } catch (err) {
      throw mapJoseError(err);
    }
    const principal = { subject: typeof payload.sub === 'string' ? payload.sub : '', scopes: this.#scopes(payload[this.#opts.scopeClaim]) };
    return { principal, exp: typeof payload.exp === 'number' ? payload.exp : undefined };
  }

  #scopes(claim: unknown): Scope[] {
    const list =
      typeof claim === 'string'
        ? claim.split(' ').filter(Boolean)
        : Array.isArray(claim) && claim.every((s) => typeof s === 'string')
          ? (claim as string[])
          : undefined;
    if (list === undefined)
      throw new AuthError('AUTH_JWT_INVALID', `the JWT's '${this.#opts.scopeClaim}' claim must be a space-separated string or a list of strings`);
    // Scopes this node does not know (an identity provider's other audiences) are ignored, not refused.
    return list.filter(isScope);
  }
}

function mapJoseError(err: unknown): AuthError {
  if (err instanceof joseErrors.JWTExpired) return new AuthError('AUTH_EXPIRED', 'the JWT has expired', { cause: err });
  if (err instanceof joseErrors.JWTClaimValidationFailed) {
    if (err.claim === 'aud') return new AuthError('AUTH_JWT_AUDIENCE', 'the JWT is for another audience (aud)', { cause: err });
    if (err.claim === 'iss') return new AuthError('AUTH_JWT_ISSUER', 'the JWT is from another issuer (iss)', { cause: err });
    return new AuthError('AUTH_JWT_INVALID', `JWT claim '${err.claim}' refused (${err.reason})`, { cause: err });
  }
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return new AuthError('AUTH_JWT_SIGNATURE', 'the JWT signature does not verify', { cause: err });
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return new AuthError('AUTH_JWT_ALG', 'JWT algorithm refused', { cause: err });
  return new AuthError('AUTH_JWT_INVALID', `the JWT is invalid (${(err as Error).message})`, { cause: err });
}
