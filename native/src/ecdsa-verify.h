// ECDSA/secp256k1 verification through the vendored libsecp256k1 (native/vendor/secp256k1), for the node's
// signature checks (SPEC 6). Records use the layout of the JS verification pool: 64-byte compact r||s, 32-byte
// message hash, 33-byte compressed public key.
#pragma once

#include <napi.h>

#include <cstddef>
#include <cstdint>

namespace chain_crypto {

constexpr size_t kSignatureBytes = 64;
constexpr size_t kMsgHashBytes = 32;
constexpr size_t kPublicKeyBytes = 33;
constexpr size_t kRecordBytes = kSignatureBytes + kMsgHashBytes + kPublicKeyBytes;

// Verifies `count` packed records and writes one byte per record to `out` (1 = valid). A record is valid when the
// signature parses (r, s < n), is low-S with r, s != 0, the key is a compressed point on the curve, and the
// signature verifies. Safe to call from several threads at once.
void ecdsa_verify_records(const uint8_t* records, size_t count, uint8_t* out);

// True when `key` (33 bytes) is a compressed encoding of a point on the curve.
bool ecdsa_public_key_valid(const uint8_t* key);

// Adds ecdsaVerifyBatch and ecdsaPublicKeyValid to the addon's exports (ecdsa-binding.cc).
void register_ecdsa(Napi::Env env, Napi::Object exports);

}  // namespace chain_crypto
