import type { CodeTable } from './table.js';

/** Stable error codes raised by src/primitives/: HTTP status and meaning of each. */
export const PrimitivesCodes = {
  DECODE_BAD_VALUE: { status: 400, doc: 'A field whose value is out of range or otherwise invalid.' },
  DECODE_MALFORMED: { status: 400, doc: 'Bytes that are not valid DAG-CBOR or not the expected structure.' },
  DECODE_MISSING_FIELD: { status: 400, doc: 'An object without a required field.' },
  DECODE_NON_CANONICAL: { status: 400, doc: 'Valid CBOR that is not in the canonical (deterministic) encoding.' },
  DECODE_OVERSIZED: { status: 400, doc: 'An object larger than its limit.' },
  DECODE_TOO_DEEP: { status: 400, doc: 'Nested deeper than SPEC 2 allows (see `MAX_CBOR_DEPTH`).' },
  DECODE_UNKNOWN_FIELD: { status: 400, doc: 'An object with a field the format does not define.' },
  DECODE_WRONG_TYPE: { status: 400, doc: 'A field of the wrong CBOR type.' },
} as const satisfies CodeTable;
