export * from '../util/bytes.js';
export * from './cbor.js';
export * from './errors.js';
export * from './header.js';
export * from './meta.js';
export * from './transaction.js';
export * from './block.js';
