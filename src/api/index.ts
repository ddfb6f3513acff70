export * from './types.js';
export * from './context.js';
export * from './errors.js';
export * from './json.js';
export * from './server.js';
