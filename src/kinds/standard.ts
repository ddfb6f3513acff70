/** A JSON Schema (draft 2020-12 subset ajv supports) as plain JSON. */
export type JsonSchema = Record<string, unknown>;

/** A record kind with its payload schema: an exact kind (`metric`) or a family (`supply.*`). */
export interface KindDefinition {
  kind: string;
  description: string;
  schema: JsonSchema;
}

const HEX_KEY = '^0[23][0-9a-f]{64}$';
const shortText = { type: 'string', maxLength: 1024 } as const;
// A point in time: unix seconds or milliseconds, or an ISO 8601 / RFC 3339 date-time string (as JSON clients and the
// container-metrics facade write it).
const time = {
  anyOf: [
    { type: 'integer', minimum: 0 },
    { type: 'string', maxLength: 40, pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2})$' },
  ],
} as const;

/**
 * The standard kinds (issue 15 item 5). Families accept any member (`audit.login`, `supply.shipped`); members
 * named on their own (`id.rotate`) have a stricter schema than their family. Schemas are deliberately open
 * (extra fields allowed, and `null`, the CLI's default payload, for event families) except where the index reads
 * the payload (`id.rotate`); they type the fields they name rather than require them, so records written before
 * the schemas existed (and by older clients) still pass.
 */
export const STANDARD_KINDS: readonly KindDefinition[] = [
  {
    kind: 'doc.certify',
    description: 'a document certified by its SHA-256 (subject = the hash; chain-node doc certify writes {name, size, sha256})',
    schema: {
      type: 'object',
      properties: { sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' }, name: shortText, size: { type: 'integer', minimum: 0 } },
    },
  },
  {
    kind: 'metric',
    description: 'a measurement, e.g. a container metric {containerId, memoryMB, cpuUsage, timestamp}: flat numeric fields (strings for ids)',
    schema: {
      type: 'object',
      minProperties: 1,
      properties: {
        containerId: { type: 'string', maxLength: 256 },
        memoryMB: { type: 'number', minimum: 0 },
        cpuUsage: { type: 'number', minimum: 0 },
        timestamp: time,
      },
      additionalProperties: { type: ['number', 'string'] },
    },
  },
  {
    kind: 'supply.*',
    description: 'supply-chain events (supply.shipped, supply.received, ...): where from, where to, what, how many',
    schema: {
      type: ['object', 'null'],
      properties: { from: shortText, to: shortText, location: shortText, item: shortText, quantity: { type: 'number', minimum: 0 }, at: time },
    },
  },
  {
    kind: 'review',
    description: 'a review of the subject: 1 to 5 stars and an optional text',
    schema: {
      type: 'object',
      required: ['stars'],
      properties: { stars: { type: 'integer', minimum: 1, maximum: 5 }, text: { type: 'string', maxLength: 8192 } },
    },
  },
  {
    kind: 'audit.*',
    description: 'audit events (audit.login, audit.logout, ...): who did what, from where',
    schema: { type: ['object', 'null'], properties: { user: shortText, action: shortText, ip: shortText, result: shortText, at: time } },
  },
  {
    kind: 'id.rotate',
    description: 'rotate the signer\'s identity to a fresh key (README "Identities")',
    schema: { type: 'object', required: ['next'], additionalProperties: false, properties: { next: { type: 'string', pattern: HEX_KEY } } },
  },
  {
    kind: 'id.revoke',
    description: "revoke the signer's identity (every key of it)",
    schema: { type: ['object', 'null'], additionalProperties: false, properties: { reason: shortText } },
  },
  {
    kind: 'id.*',
    description: 'other identity records (id.profile, ...)',
    schema: { type: ['object', 'null'] },
  },
];
