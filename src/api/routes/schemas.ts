/** Shared JSON-schema fragments for route validation. */
export const S = {
  hash: { type: 'string', pattern: '^[0-9a-fA-F]{64}$' },
  actor: { type: 'string', pattern: '^0[23][0-9a-fA-F]{64}$' },
  blockId: { type: 'string', pattern: '^([0-9]{1,10}|[0-9a-fA-F]{64})$' },
  page: {
    type: 'object',
    additionalProperties: false,
    properties: {
      limit: { type: 'integer', minimum: 1, maximum: 1000 },
      cursor: { type: 'string', pattern: '^[0-9a-f]*$', maxLength: 600 },
      reverse: { type: 'boolean' },
    },
  },
  error: {
    type: 'object',
    properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } }, required: ['code', 'message'] } },
  },
} as const;
