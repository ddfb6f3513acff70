/* global module */
// Layer order of src/ (enforced by `npm run lint:deps`, part of `npm run lint`). Each folder (and the root files
// grouped below) may import only folders listed BEFORE it; importing a later one is a layer break. Because the
// order is total, no folder-level import cycle can exist; `no-circular` also forbids file-level cycles.
// docs/architecture.md draws the same order; keep the two together.
/** Bottom to top. `base` is util/, error-codes/ (the error catalogue) plus the leaf files at the root of src/. */
const LAYERS = [
  ['base', '^src/(util/|error-codes/|errors\\.ts$|logger\\.ts$|package-root\\.ts$|private-files\\.ts$|version\\.ts$)'],
  ['metrics', '^src/metrics/'],
  ['crypto', '^src/crypto/'],
  ['primitives', '^src/primitives/'],
  ['log', '^src/log/'],
  ['consensus', '^src/consensus/'],
  ['store', '^src/store/'],
  ['ident', '^src/ident/'],
  ['chain', '^src/chain/'],
  ['mempool', '^src/mempool/'],
  ['kinds', '^src/kinds/'],
  ['wallet', '^src/wallet/'],
  ['keys', '^src/keys/'],
  ['mining', '^src/mining/'],
  ['finality', '^src/finality/'],
  ['wire', '^src/wire/'],
  ['sync', '^src/sync/'],
  ['p2p', '^src/p2p/'],
  ['notify', '^src/notify/'],
  ['auth', '^src/auth/'],
  ['api', '^src/api/'],
  ['webhooks', '^src/webhooks/'],
  ['client', '^src/client/'],
  ['sdk', '^src/sdk/'],
  ['cluster', '^src/cluster/'],
  ['config', '^src/config/'],
  ['node', '^src/(node|index)\\.ts$'],
];

const layerRules = LAYERS.slice(0, -1).map(([name, path], i) => ({
  name: `layer-${name}`,
  comment: `${name} may import only layers below it (${
    LAYERS.slice(0, i)
      .map(([n]) => n)
      .join(', ') || 'none'
  }): see docs/architecture.md`,
  severity: 'error',
  from: { path },
  to: {
    path: LAYERS.slice(i + 1)
      .map(([, p]) => `(${p})`)
      .join('|'),
  },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...layerRules,
    { name: 'no-circular', comment: 'no import cycle, at any level', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'no-barrels',
      comment: 'no module barrels: import the file that defines a name; the only index.ts is src/index.ts, the package entry',
      severity: 'error',
      from: {},
      to: { path: '^src/.+/index\\.ts$' },
    },
    {
      name: 'no-barrel-files',
      comment: 'no src/<module>/index.ts re-export files (see no-barrels)',
      severity: 'error',
      from: { path: '^src/.+/index\\.ts$' },
      to: {},
    },
    {
      name: 'readers-read-through-chain-reader',
      comment:
        'the API and the webhooks read the chain through ChainReader (src/chain/reader.ts): never the Chain class, the store or the block tree themselves (types of their values, like TreeNode, are fine)',
      severity: 'error',
      from: { path: '^src/(api|webhooks)/' },
      to: { path: '^src/(chain/chain|store/chain-store)\\.ts$' },
    },
    { name: 'src-not-from-test', comment: 'src/ never imports test code', severity: 'error', from: { path: '^src/' }, to: { path: '^test/' } },
    { name: 'src-not-from-bin', comment: 'src/ never imports the CLI layer', severity: 'error', from: { path: '^src/' }, to: { path: '^bin/' } },
    {
      name: 'unlayered-folder',
      comment: 'every folder of src/ has a place in LAYERS (.dependency-cruiser.cjs)',
      severity: 'error',
      from: { path: '^src/', pathNot: LAYERS.map(([, p]) => `(${p})`).join('|') },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|build|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
