// Child process of upgrade.test.ts (not a test file itself).
//   upgrade <dir> <blocks>  open the schema-1 chain database in <dir> with this build, and once the upgrade has
//                           written the indexes of <blocks> main-chain blocks (landed on disk), kill itself with
//                           SIGKILL: a kill -9 in the middle of the upgrade.
import { Chain } from '../../src/chain/chain.js';
import { ChainStore } from '../../src/store/chain-store.js';
import { CHAIN_ID, NET } from '../utils/chain.js';

const [, , command, dir, blocksArg] = process.argv;
if (command !== 'upgrade' || dir === undefined || blocksArg === undefined) throw new Error('usage: upgrade-child.ts upgrade <dir> <blocks>');
const blocks = Number(blocksArg);
const store = await ChainStore.open({ path: dir, chainId: CHAIN_ID });
const writeIndexes = store.writeIndexes.bind(store);
let written = 0;
store.writeIndexes = async (...args) => {
  await writeIndexes(...args);
  if (++written === blocks) {
    await store.flush();
    process.kill(process.pid, 'SIGKILL');
  }
};
await Chain.open({ params: NET }, { store });
console.log('upgrade finished without being killed');
await store.close();
