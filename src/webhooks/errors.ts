import { ChainNodeError, type ErrorCode } from '../errors.js';

/** Stable codes of webhook failures (HTTP statuses in src/api/errors.ts). */
export const WebhookErrorCode = {
  notFound: 'WEBHOOK_NOT_FOUND',
  badUrl: 'WEBHOOK_URL_INVALID',
  /** The URL resolves to a loopback, private or otherwise non-public address and webhooks.allowPrivateTargets is off. */
  forbiddenTarget: 'WEBHOOK_TARGET_FORBIDDEN',
  unresolvable: 'WEBHOOK_TARGET_UNRESOLVABLE',
  limit: 'WEBHOOK_LIMIT',
  deliveryNotFound: 'WEBHOOK_DELIVERY_NOT_FOUND',
} as const satisfies Record<string, ErrorCode>;

/** A webhook error with a stable code. */
export class WebhookError extends ChainNodeError {
  constructor(code: (typeof WebhookErrorCode)[keyof typeof WebhookErrorCode], message: string, cause?: unknown) {
    super(code, message, { cause });
  }
}
