import { createRequire } from 'node:module';
import { packageRoot } from '../package-root.js';

// node-gyp-build resolves the addon from build/Release (built at install by native/build-native.mjs) or prebuilds/.
interface NodeGypBuild {
  (dir: string): unknown;
  path(dir: string): string;
}

let cached: { exports: Readonly<Record<string, unknown>> | null; path: string | null; error: unknown } | undefined;

function load(): NonNullable<typeof cached> {
  if (cached === undefined) {
    try {
      const require = createRequire(import.meta.url);
      const nodeGypBuild = require('node-gyp-build') as NodeGypBuild;
      const root = packageRoot();
      const path = nodeGypBuild.path(root);
      const loaded = nodeGypBuild(root);
      if (typeof loaded !== 'object' || loaded === null) throw new Error('native addon has no exports');
      cached = { exports: loaded as Record<string, unknown>, path, error: undefined };
    } catch (err) {
      cached = { exports: null, path: null, error: err };
    }
  }
  return cached;
}

/**
 * The exports of the node's own N-API addon (native/src/addon.cc), or null where it is not built. Callers check
 * for the functions they need: an addon built from older sources may lack newer ones.
 */
export function addonExports(): Readonly<Record<string, unknown>> | null {
  return load().exports;
}

/** The file the addon was loaded from (worker threads load the same file), or null where it is not built. */
export function addonPath(): string | null {
  return load().path;
}

/** Why the addon failed to load, or undefined when it loaded (or was not tried yet). */
export function addonLoadError(): unknown {
  return load().error;
}
