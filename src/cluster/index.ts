export * from './process-cluster.js';
