// N-API surface of ecdsa-verify.cc:
//   ecdsaVerifyBatch(records: Uint8Array, count: number, out: Uint8Array): void
//   ecdsaPublicKeyValid(key: Uint8Array): boolean
// Bad arguments (types, lengths) throw TypeError/RangeError; bad signatures or keys are just invalid (0 / false).
#include <cmath>

#include "ecdsa-verify.h"

namespace chain_crypto {

namespace {

bool uint8_array(napi_env env, napi_value value, uint8_t** data, size_t* length) {
  napi_typedarray_type type;
  void* raw = nullptr;
  if (napi_get_typedarray_info(env, value, &type, length, &raw, nullptr, nullptr) != napi_ok || type != napi_uint8_array) return false;
  *data = static_cast<uint8_t*>(raw);
  return true;
}

void EcdsaVerifyBatch(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  uint8_t* records = nullptr;
  uint8_t* out = nullptr;
  size_t records_len = 0, out_len = 0;
  double count = -1;
  if (info.Length() < 3 || !uint8_array(env, info[0], &records, &records_len) ||
      napi_get_value_double(env, info[1], &count) != napi_ok || !uint8_array(env, info[2], &out, &out_len)) {
    Napi::TypeError::New(env, "ecdsaVerifyBatch(records: Uint8Array, count: number, out: Uint8Array)").ThrowAsJavaScriptException();
    return;
  }
  if (!(count >= 0) || count != std::floor(count) || count * double(kRecordBytes) > double(records_len) || count > double(out_len)) {
    Napi::RangeError::New(env, "ecdsaVerifyBatch: count exceeds the records or the output").ThrowAsJavaScriptException();
    return;
  }
  ecdsa_verify_records(records, size_t(count), out);
}

Napi::Value EcdsaPublicKeyValid(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  uint8_t* key = nullptr;
  size_t key_len = 0;
  if (info.Length() < 1 || !uint8_array(env, info[0], &key, &key_len)) {
    Napi::TypeError::New(env, "ecdsaPublicKeyValid(key: Uint8Array)").ThrowAsJavaScriptException();
    return info.Env().Undefined();
  }
  return Napi::Boolean::New(env, key_len == kPublicKeyBytes && ecdsa_public_key_valid(key));
}

}  // namespace

void register_ecdsa(Napi::Env env, Napi::Object exports) {
  exports.Set("ecdsaVerifyBatch", Napi::Function::New(env, EcdsaVerifyBatch, "ecdsaVerifyBatch"));
  exports.Set("ecdsaPublicKeyValid", Napi::Function::New(env, EcdsaPublicKeyValid, "ecdsaPublicKeyValid"));
}

}  // namespace chain_crypto
