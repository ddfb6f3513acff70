import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Header carrying a delivery's signature: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`
 * (the scheme of Stripe's `Stripe-Signature`). Receivers recompute the HMAC over the timestamp, a dot and the raw
 * request body with the hook's secret, compare in constant time, and reject timestamps too far from their clock.
 */
export const SIGNATURE_HEADER = 'chain-node-signature';
/** Header with the delivery's idempotency key: the same for every attempt of one record to one hook. */
export const IDEMPOTENCY_HEADER = 'idempotency-key';

/** A new hook secret (`whsec_` + 32 random bytes, base64url): shown once, when the hook is created. */
export function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** The signature header value for `body` at unix time `t` (seconds). */
export function signatureHeader(secret: string, t: number, body: string): string {
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}

/** Check a signature header (receivers and tests): true when v1 matches and t is within `toleranceS` of `nowS`. */
export function verifySignature(secret: string, header: string, body: string, nowS: number, toleranceS = 300): boolean {
  const parts = new Map(header.split(',').map((p) => p.split('=', 2) as [string, string]));
  const t = Number(parts.get('t'));
  const v1 = parts.get('v1');
  if (!Number.isSafeInteger(t) || v1 === undefined || Math.abs(nowS - t) > toleranceS) return false;
  const want = Buffer.from(signatureHeader(secret, t, body).split('v1=')[1]!, 'hex');
  const got = Buffer.from(v1, 'hex');
  return got.length === want.length && timingSafeEqual(got, want);
}
