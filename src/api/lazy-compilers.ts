import { AjvCompiler } from '@fastify/ajv-compiler';
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';

/** A compiled request validator as fastify calls it: ajv's, with `errors` set after a failed call. */
type ValidateFn = ((data: unknown) => unknown) & { errors?: unknown };
/** A compiled response serializer as fastify calls it: fast-json-stringify's. */
type SerializeFn = (data: unknown) => string;
type RouteDefinition = { schema: unknown; method: string; url: string };
type Compile<F> = (route: RouteDefinition) => F;
/** fastify's `schemaController.compilersFactory.buildValidator`. */
export type BuildValidator = (externalSchemas: unknown, options: unknown) => Compile<ValidateFn>;
/** fastify's `schemaController.compilersFactory.buildSerializer`. */
export type BuildSerializer = (externalSchemas: unknown, options: unknown) => Compile<SerializeFn>;

/**
 * fastify's own compilers (@fastify/ajv-compiler for request validation, @fastify/fast-json-stringify-compiler
 * for response serialization, same options) with each route schema compiled on its first request, or by
 * {@link LazyCompilers.warm} a while after the API listens, instead of all of them before the server can listen
 * (most of `ready`'s time at start).
 */
export interface LazyCompilers {
  buildValidator: BuildValidator;
  buildSerializer: BuildSerializer;
  /**
   * After `delayMs`, compile every schema not yet compiled, one per event-loop turn; stops early once `stop` is
   * called. The delay keeps the first requests after listening (a start's health checks, a test suite's first
   * calls) from queueing behind the warm-up, whose first step alone (ajv compiling its meta-schema) takes tens of
   * milliseconds; whatever they need meanwhile compiles on demand as before.
   */
  warm(delayMs?: number): void;
  stop(): void;
  /** Schemas not compiled yet (validators and serializers). */
  readonly pending: number;
}

/** See {@link LazyCompilers}. */
export function lazyCompilers(): LazyCompilers {
  const pending = new Set<() => unknown>();
  let stopped = false;
  // A getter that compiles once, on its first call, and leaves the warm-up's set then.
  const deferred = <F>(compile: () => F): (() => F) => {
    let fn: F | undefined;
    const get = (): F => {
      if (fn === undefined) {
        fn = compile();
        pending.delete(get);
      }
      return fn;
    };
    pending.add(get);
    return get;
  };
  // fastify's factory `build`, with each route's compiled function behind a deferred getter that `wrap` calls.
  const lazily =
    <F>(build: (externalSchemas: unknown, options: unknown) => Compile<F>, wrap: (get: () => F) => F) =>
    (externalSchemas: unknown, options: unknown): Compile<F> => {
      const compile = build(externalSchemas, options);
      return (route) => wrap(deferred(() => compile(route)));
    };
  const buildValidator: BuildValidator = lazily(AjvCompiler() as unknown as BuildValidator, (get) => {
    const validate: ValidateFn = (data) => {
      const f = get();
      const ok = f(data);
      validate.errors = f.errors;
      return ok;
    };
    return validate;
  });
  const buildSerializer: BuildSerializer = lazily(SerializerSelector() as unknown as BuildSerializer, (get) => (data) => get()(data));
  const step = (): void => {
    const next = pending.values().next();
    if (stopped || next.done === true) return;
    next.value();
    setImmediate(step).unref();
  };
  return {
    buildValidator,
    buildSerializer,
    warm: (delayMs = 0) => {
      setTimeout(step, delayMs).unref();
    },
    stop: () => {
      stopped = true;
    },
    get pending() {
      return pending.size;
    },
  };
}
