import { dirname, join } from 'node:path';
import { getNetwork, type NetworkParams } from '../../src/consensus/networks.js';
import { loadNetworkFile } from '../../src/consensus/network-file.js';

/** A built-in network, or a custom one from `<base>/networks/<name>.json` (base = the datadir's parent). */
export function getNetworkForConfig(name: string, datadir: string): NetworkParams {
  return loadNetworkFile(join(dirname(datadir), 'networks', `${name}.json`)) ?? getNetwork(name);
}
