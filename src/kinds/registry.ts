import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { ChainNodeError, type ErrorCode } from '../errors.js';
import { TX_LIMITS } from '../primitives/transaction.js';
import { STANDARD_KINDS, type KindDefinition } from './standard.js';

/** Stable codes of the kind-schema policy. */
export const KindErrorCode = {
  /** A payload fails its kind's schema (the error carries the JSON pointer of the first failure). */
  schema: 'TX_SCHEMA',
  /** A configured kind file is unreadable, not JSON, or holds a bad kind name or schema. */
  badDefinition: 'KIND_SCHEMA_INVALID',
} as const satisfies Record<string, ErrorCode>;

/** A payload that fails its kind's schema: `pointer` is the JSON pointer (RFC 6901) of the first failure. */
export class KindSchemaError extends ChainNodeError {
  readonly pointer: string;
  readonly kind: string;
  constructor(kind: string, pointer: string, message: string) {
    super(KindErrorCode.schema, message);
    this.kind = kind;
    this.pointer = pointer;
  }
}

/** A listed kind: its definition and where it came from. */
export interface KindEntry extends KindDefinition {
  source: 'standard' | 'config';
}

const KIND_RE = /^[a-z0-9][a-z0-9_-]*(\.[a-z0-9_-]+)*(\.\*)?$/;
const escapePointer = (s: string): string => s.replace(/~/g, '~0').replace(/\//g, '~1');

// The pointer of the failing value itself: a missing or unexpected property names the property.
function pointerOf(e: ErrorObject): string {
  const p = e.params as { missingProperty?: string; additionalProperty?: string };
  const name = p.missingProperty ?? p.additionalProperty;
  return name === undefined ? e.instancePath : `${e.instancePath}/${escapePointer(name)}`;
}

/**
 * Payload JSON Schemas of record kinds, validated with ajv: an exact kind wins over a family (`supply.*`), and a
 * longer family over a shorter one. Kinds without a schema are not checked. Node policy, never consensus.
 */
export class KindRegistry {
  readonly #entries = new Map<string, KindEntry>();
  // Compiled schemas by kind. A standard kind's schema compiles at its first check (each costs a few ms of ajv code
  // generation, ~100 ms for all of them at every start); a configured one at once, so a bad file stops the start.
  readonly #validators = new Map<string, ValidateFunction>();
  readonly #ajv = new Ajv({
    allErrors: false,
    strictSchema: true,
    strictNumbers: true,
    strictTypes: false,
    strictTuples: false,
    strictRequired: false,
    allowUnionTypes: true,
    validateFormats: false,
  });

  /** A registry of the standard kinds plus `custom` ones (which replace a standard kind of the same name). */
  constructor(custom: readonly KindDefinition[] = []) {
    for (const d of STANDARD_KINDS) this.#add(d, 'standard');
    for (const d of custom) this.#add(d, 'config');
  }

  #add(d: KindDefinition, source: KindEntry['source']): void {
    const bad = (why: string): never => {
      throw new ChainNodeError(KindErrorCode.badDefinition, `kind '${String(d.kind)}': ${why}`);
    };
    if (typeof d.kind !== 'string' || !KIND_RE.test(d.kind) || Buffer.byteLength(d.kind) > TX_LIMITS.kindMax)
      bad('not a kind name (lowercase dotted words, optionally ending in .*)');
    if (d.schema === null || typeof d.schema !== 'object' || Array.isArray(d.schema)) bad('schema must be a JSON Schema object');
    this.#validators.delete(d.kind);
    if (source !== 'standard') {
      try {
        this.#validators.set(d.kind, this.#ajv.compile(d.schema));
      } catch (err) {
        return bad(`invalid schema: ${(err as Error).message}`);
      }
    }
    this.#entries.set(d.kind, { kind: d.kind, description: typeof d.description === 'string' ? d.description : '', schema: d.schema, source });
  }

  /** Every kind with its schema, sorted by name. */
  list(): KindEntry[] {
    return [...this.#entries.values()].sort((a, b) => (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));
  }

  /** The name of the entry whose schema applies to `kind` (exact, else the longest matching family). */
  match(kind: string): string | undefined {
    if (this.#entries.has(kind)) return kind;
    for (let i = kind.lastIndexOf('.'); i > 0; i = kind.lastIndexOf('.', i - 1)) {
      const family = `${kind.slice(0, i)}.*`;
      if (this.#entries.has(family)) return family;
    }
    return undefined;
  }

  /** Undefined when `payload` (JSON) satisfies the schema of `kind` (or it has none), else the first failure. */
  check(kind: string, payload: unknown): KindSchemaError | undefined {
    const name = this.match(kind);
    if (name === undefined) return undefined;
    let validate = this.#validators.get(name);
    if (validate === undefined) this.#validators.set(name, (validate = this.#ajv.compile(this.#entries.get(name)!.schema)));
    if (validate(payload)) return undefined;
    const e = validate.errors![0]!;
    const pointer = pointerOf(e);
    return new KindSchemaError(kind, pointer, `payload of kind '${kind}' fails schema '${name}' at '${pointer}': ${e.message ?? 'invalid'}`);
  }
}

function readDefinitions(file: string): KindDefinition[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ChainNodeError(KindErrorCode.badDefinition, `kind schema file ${file}: ${(err as Error).message}`);
  }
  const list = Array.isArray(parsed) ? parsed : ((parsed as { kinds?: unknown }).kinds ?? [parsed]);
  if (!Array.isArray(list)) throw new ChainNodeError(KindErrorCode.badDefinition, `kind schema file ${file}: 'kinds' must be a list`);
  return list as KindDefinition[];
}

/**
 * Custom kind definitions from files (`kinds.schemaFiles`): each path is a JSON file, or a directory whose
 * `*.json` files are read in name order. A file holds one `{kind, description?, schema}`, a list of them, or
 * `{kinds: [...]}`. Throws KIND_SCHEMA_INVALID for an unreadable file (definitions are checked by the registry).
 */
export function loadKindFiles(paths: readonly string[]): KindDefinition[] {
  const out: KindDefinition[] = [];
  for (const p of paths) {
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch (err) {
      throw new ChainNodeError(KindErrorCode.badDefinition, `kind schema path ${p}: ${(err as Error).message}`);
    }
    const files = isDir
      ? readdirSync(p)
          .filter((f) => f.endsWith('.json'))
          .sort()
          .map((f) => join(p, f))
      : [p];
    for (const f of files) out.push(...readDefinitions(f));
  }
  return out;
}

export type { JsonSchema, KindDefinition } from './standard.js';
