import { Counter, type Registry } from 'prom-client';
import type { WebhookService } from './webhook-service.js';

/** `chain_node_webhook_attempts_total{outcome}`: delivery attempts since start (delivered, retry, dead). */
export function registerWebhookMetrics(registry: Registry, service: WebhookService): void {
  new Counter({
    name: 'chain_node_webhook_attempts_total',
    help: 'Webhook delivery attempts by outcome: delivered, retry (failed, will be retried), dead (moved to the dead-letter list)',
    labelNames: ['outcome'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [outcome, n] of Object.entries(service.outcomes)) this.inc({ outcome }, n);
    },
  });
}
