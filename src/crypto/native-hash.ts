import { createRequire } from 'node:module';
import { packageRoot } from '../package-root.js';

/** The addon's one-shot SHA-256: writes the digest of `data` (or of its first `length` bytes) into `out[0..32)`. */
export type Sha256Into = (data: Uint8Array, out: Uint8Array, length?: number) => void;

interface HashAddon {
  sha256Into?: unknown;
  sha256Impl?: unknown;
}

let cached: { fn: Sha256Into | null; impl: string | null; error: unknown } | undefined;

function load(): NonNullable<typeof cached> {
  if (cached === undefined) {
    try {
      const require = createRequire(import.meta.url);
      const nodeGypBuild = require('node-gyp-build') as (dir: string) => HashAddon;
      const addon = nodeGypBuild(packageRoot());
      if (typeof addon.sha256Into !== 'function') throw new Error('native addon has no sha256Into (stale build? run npm run build:native)');
      cached = { fn: addon.sha256Into as Sha256Into, impl: typeof addon.sha256Impl === 'string' ? addon.sha256Impl : null, error: undefined };
    } catch (err) {
      cached = { fn: null, impl: null, error: err };
    }
  }
  return cached;
}

/**
 * The native addon's SHA-256 (SHA-NI where the CPU has it), or null where the addon is not built; callers then
 * use node:crypto. The native call costs ~0.2 us on a short input against ~2 us for `crypto.hash`. Inputs must be
 * views of off-heap memory (an ArrayBuffer over 64 bytes): N-API copies a small on-heap typed array out of the
 * V8 heap first, which would cost more than the hash.
 */
export function nativeSha256(): Sha256Into | null {
  return load().fn;
}

/** Which native SHA-256 runs (`sha-ni` or `portable`), or null without the addon. */
export function nativeSha256Impl(): string | null {
  return load().impl;
}
