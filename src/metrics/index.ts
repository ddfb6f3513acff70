export * from './node-metrics.js';
