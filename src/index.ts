/**
 * chain-node library entry point: the primitives scripts and independent verifiers need (encoding, hashing,
 * keys and signatures, compact targets, ASERT, Merkle trees and proofs, record proofs, networks).
 */
export { ChainNodeError, Penalty, hasCode } from './errors.js';
export * from './primitives/index.js';
export * from './crypto/index.js';
export * from './consensus/index.js';
