export * from './layout.js';
export * from './entry.js';
export * from './errors.js';
export * from './chain-store.js';
export * from './write-queue.js';
export * from './undo.js';
export * from './pages.js';
