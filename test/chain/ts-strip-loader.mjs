// `node --import ./test/chain/ts-strip-loader.mjs script.ts` runs the repository's TypeScript on Node's built-in
// type stripping (Node >= 22.18 / 23.6), which starts a child process several times faster than ts-node. Node
// does not map the `.js` specifiers of NodeNext imports to their `.ts` sources; this resolve hook does, for
// relative and file: specifiers only. Used by crash.test.ts for the processes it kills; it falls back to tap's
// loader where stripping is unavailable or fails.
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';

/** Resolve hook: try the specifier as written, then with `.js` replaced by `.ts`. */
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (err) {
    const local = specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('file:');
    if (err?.code !== 'ERR_MODULE_NOT_FOUND' || !local || !specifier.endsWith('.js')) throw err;
    return next(`${specifier.slice(0, -3)}.ts`, context);
  }
}

// Runs once as the --import preload (main thread), and again inside the hooks thread, where it must not re-register.
if (isMainThread) register(import.meta.url);
