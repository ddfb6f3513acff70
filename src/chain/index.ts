export * from './errors.js';
export * from './block-tree.js';
export * from './orphan-pool.js';
export * from './validate.js';
export * from './connect.js';
export * from './signature-cache.js';
export * from './chain.js';
export * from './template.js';
