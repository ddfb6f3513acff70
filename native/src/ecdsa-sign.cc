// See ecdsa-sign.h. The vendored libsecp256k1 (v0.5.0) signs faster than the 2019 copy inside the `secp256k1`
// npm package, and one call signs a whole round, so the per-signature cost of crossing N-API goes away too.
#include "ecdsa-sign.h"

#include <cmath>
#include <random>

#include "secp256k1.h"

namespace chain_crypto {

namespace {

// A signing context randomized once (blinding of the generator multiplication against side channels); after that
// it is only read, which the library allows from any number of threads at once.
const secp256k1_context* sign_context() {
  static const secp256k1_context* ctx = [] {
    secp256k1_context* c = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    std::random_device rd;
    unsigned char seed[32];
    for (size_t i = 0; i < sizeof(seed); i += 4) {
      const unsigned int r = rd();
      for (size_t j = 0; j < 4; j++) seed[i + j] = static_cast<unsigned char>(r >> (8 * j));
    }
    if (!secp256k1_context_randomize(c, seed)) secp256k1_context_randomize(c, nullptr);
    return c;
  }();
  return ctx;
}

bool uint8_array(napi_env env, napi_value value, uint8_t** data, size_t* length) {
  napi_typedarray_type type;
  void* raw = nullptr;
  if (napi_get_typedarray_info(env, value, &type, length, &raw, nullptr, nullptr) != napi_ok || type != napi_uint8_array) return false;
  *data = static_cast<uint8_t*>(raw);
  return true;
}

Napi::Value EcdsaSignBatch(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  uint8_t *key = nullptr, *hashes = nullptr, *out = nullptr;
  size_t key_len = 0, hashes_len = 0, out_len = 0;
  double count = -1;
  if (info.Length() < 4 || !uint8_array(env, info[0], &key, &key_len) || !uint8_array(env, info[1], &hashes, &hashes_len) ||
      napi_get_value_double(env, info[2], &count) != napi_ok || !uint8_array(env, info[3], &out, &out_len)) {
    Napi::TypeError::New(env, "ecdsaSignBatch(secretKey: Uint8Array, hashes: Uint8Array, count: number, out: Uint8Array)")
        .ThrowAsJavaScriptException();
    return info.Env().Undefined();
  }
  if (key_len != 32 || !(count >= 0) || count != std::floor(count) || count * 32.0 > double(hashes_len) || count * 64.0 > double(out_len)) {
    Napi::RangeError::New(env, "ecdsaSignBatch: a 32-byte key, and count within the hashes and the output")
        .ThrowAsJavaScriptException();
    return info.Env().Undefined();
  }
  return Napi::Boolean::New(env, ecdsa_sign_hashes(key, hashes, size_t(count), out));
}

}  // namespace

bool ecdsa_sign_hashes(const uint8_t* secret_key, const uint8_t* hashes, size_t count, uint8_t* out) {
  const secp256k1_context* ctx = sign_context();
  for (size_t i = 0; i < count; i++) {
    secp256k1_ecdsa_signature sig;
    // A null nonce function is RFC 6979 (secp256k1_nonce_function_default); the result is always low-S.
    if (!secp256k1_ecdsa_sign(ctx, &sig, hashes + i * 32, secret_key, nullptr, nullptr)) return false;
    secp256k1_ecdsa_signature_serialize_compact(ctx, out + i * 64, &sig);
  }
  return true;
}

void register_ecdsa_sign(Napi::Env env, Napi::Object exports) {
  exports.Set("ecdsaSignBatch", Napi::Function::New(env, EcdsaSignBatch, "ecdsaSignBatch"));
}

}  // namespace chain_crypto
