// ECDSA/secp256k1 signing of 32-byte hashes through the vendored libsecp256k1 (native/vendor/secp256k1), for the
// node-held keys (POST /actions): RFC 6979 nonces, low-S, compact r||s, as the `secp256k1` package and
// @noble/curves sign.
#pragma once

#include <napi.h>

#include <cstddef>
#include <cstdint>

namespace chain_crypto {

// Signs `count` hashes of 32 bytes with `secret_key` (32 bytes) into `out` (64 bytes each). False (nothing
// promised in `out`) when the key is not a valid secret key. Safe to call from several threads at once.
bool ecdsa_sign_hashes(const uint8_t* secret_key, const uint8_t* hashes, size_t count, uint8_t* out);

// Adds ecdsaSignBatch(secretKey, hashes, count, out): boolean to the addon's exports.
void register_ecdsa_sign(Napi::Env env, Napi::Object exports);

}  // namespace chain_crypto
