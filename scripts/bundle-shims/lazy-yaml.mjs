// Stand-in for the `yaml` package inside the CLI bundle (scripts/build-cli-bundle.mjs): the real one is required
// at the first call, from node_modules (a local require, which esbuild leaves to run time).
import { createRequire } from 'node:module';

const requireAtRunTime = createRequire(import.meta.url);
let yaml;
const load = () => (yaml ??= requireAtRunTime('yaml'));

/** yaml's parse. */
export const parse = (...args) => load().parse(...args);
/** yaml's stringify. */
export const stringify = (...args) => load().stringify(...args);
