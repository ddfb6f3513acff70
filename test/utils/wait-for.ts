// Polling with a deadline: one loop, two acceptance rules (the e2e suites wait for a defined value, the p2p
// suites for a truthy one).

async function poll<T>(what: string, fn: () => Promise<unknown> | unknown, accept: (v: unknown) => boolean, timeoutMs: number, everyMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (accept(v)) return v as T;
    } catch (err) {
      lastErr = err;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting for ${what}${lastErr === undefined ? '' : ` (last error: ${lastErr instanceof Error ? lastErr.message : String(lastErr)})`}`,
      );
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Poll `fn` until it returns a value other than undefined, or fail after `timeoutMs`. */
export function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 30_000, everyMs = 200): Promise<T> {
  return poll<T>(what, fn, (v) => v !== undefined, timeoutMs, everyMs);
}

/** Poll `fn` until it returns a truthy value (returned), or fail after `timeoutMs`. */
export function waitForTruthy<T>(
  what: string,
  fn: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 30_000,
  everyMs = 250,
): Promise<T> {
  return poll<T>(what, fn, (v) => Boolean(v), timeoutMs, everyMs);
}
