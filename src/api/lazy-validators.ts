import { AjvCompiler } from '@fastify/ajv-compiler';

/** A compiled request validator as fastify calls it: ajv's, with `errors` set after a failed call. */
type ValidateFn = ((data: unknown) => unknown) & { errors?: unknown };
type RouteDefinition = { schema: unknown; method: string; url: string; httpPart: string };
type Compile = (route: RouteDefinition) => ValidateFn;
/** fastify's `schemaController.compilersFactory.buildValidator`. */
export type BuildValidator = (externalSchemas: unknown, options: unknown) => Compile;

/**
 * fastify's own validator compiler (@fastify/ajv-compiler, same ajv options) with each route schema compiled on
 * its first request, or by {@link LazyValidators.warm} a while after the API listens, instead of all of them before the
 * server can listen (most of `listen`'s time at start).
 */
export interface LazyValidators {
  buildValidator: BuildValidator;
  /**
   * After `delayMs`, compile every schema not yet compiled, one per event-loop turn; stops early once `stop` is
   * called. The delay keeps the first requests after listening (a start's health checks, a test suite's first
   * calls) from queueing behind the warm-up, whose first step alone (ajv compiling its meta-schema) takes tens of
   * milliseconds; whatever they need meanwhile compiles on demand, as any schema did before the warm-up.
   */
  warm(delayMs?: number): void;
  stop(): void;
  /** Schemas not compiled yet. */
  readonly pending: number;
}

/** See {@link LazyValidators}. */
export function lazyValidators(): LazyValidators {
  const build = AjvCompiler() as unknown as BuildValidator;
  const pending = new Set<() => ValidateFn>();
  let stopped = false;
  const buildValidator: BuildValidator = (externalSchemas, options) => {
    const compile = build(externalSchemas, options);
    return (route) => {
      let fn: ValidateFn | undefined;
      const get = (): ValidateFn => {
        if (fn === undefined) {
          fn = compile(route);
          pending.delete(get);
        }
        return fn;
      };
      pending.add(get);
      const validate: ValidateFn = (data) => {
        const f = get();
        const ok = f(data);
        validate.errors = f.errors;
        return ok;
      };
      return validate;
    };
  };
  const warm = (): void => {
    const next = pending.values().next();
    if (stopped || next.done === true) return;
    next.value();
    setImmediate(warm).unref();
  };
  return {
    buildValidator,
    warm: (delayMs = 0) => {
      setTimeout(warm, delayMs).unref();
    },
    stop: () => {
      stopped = true;
    },
    get pending() {
      return pending.size;
    },
  };
}
