import type { CodeTable } from './table.js';

/** Stable error codes raised by src/webhooks/: HTTP status and meaning of each. */
export const WebhooksCodes = {
  WEBHOOK_DELIVERY_NOT_FOUND: { status: 404, doc: 'No delivery with that id for the webhook.' },
  WEBHOOK_LIMIT: { status: 409, doc: 'The node already holds the most webhooks allowed.' },
  WEBHOOK_NOT_FOUND: { status: 404, doc: 'No webhook with that id.' },
  WEBHOOK_TARGET_FORBIDDEN: {
    status: 400,
    doc: 'The URL resolves to a loopback, private or otherwise non-public address and webhooks.allowPrivateTargets is off.',
  },
  WEBHOOK_TARGET_UNRESOLVABLE: { status: 400, doc: 'The webhook host name does not resolve.' },
  WEBHOOK_URL_INVALID: { status: 400, doc: 'The webhook URL is not an absolute http(s) URL.' },
} as const satisfies CodeTable;
