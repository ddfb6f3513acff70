import { createRequire } from 'node:module';

// Through require, not an ES import: importing node:http as an ES module builds its module facade, which reads
// every export, including the lazy WebSocket and fetch ones that load undici (50-100 ms of every node's start).
const require = createRequire(import.meta.url);

/** Node's `http` module. */
export const http = require('node:http') as typeof import('node:http');
/** Node's `https` module. */
export const https = require('node:https') as typeof import('node:https');
