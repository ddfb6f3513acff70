// The shared pure code uses Node's global Buffer for hex and byte lengths; in the page it is the `buffer`
// package (the same API), injected only into the modules that mention Buffer.
export { Buffer } from 'buffer';
