# Native miner addon. CPU: SHA-NI, AVX-512, AVX2 or 128-bit vector scanners picked at run time (target regions in
# the sources, so the addon itself is built for the baseline instruction set), scalar fallback. The optional CUDA
# scanner is not part of this target: native/build-native.mjs builds native/cuda/sha256d-kernel.cu with nvcc into
# a separate shared library that the addon dlopens at run time, so this target builds the same with or without a
# CUDA toolchain. Signature checks use the vendored libsecp256k1 (native/vendor/secp256k1, see its README.md),
# built as a static library with its own defines.
{
  "targets": [
    {
      "target_name": "secp256k1",
      "type": "static_library",
      "sources": [
        "native/vendor/secp256k1/src/secp256k1.c",
        "native/vendor/secp256k1/src/precomputed_ecmult.c",
        "native/vendor/secp256k1/src/precomputed_ecmult_gen.c"
      ],
      "include_dirs": ["native/vendor/secp256k1", "native/vendor/secp256k1/include"],
      "defines": ["ECMULT_WINDOW_SIZE=15"],
      "cflags": ["-O3", "-Wno-unused-function"],
      "cflags!": ["-fno-omit-frame-pointer"],
      "direct_dependent_settings": {
        "include_dirs": ["native/vendor/secp256k1/include"]
      }
    },
    {
      "target_name": "chain_node_native",
      "dependencies": ["secp256k1"],
      "sources": [
        "native/src/addon.cc",
        "native/src/cpu-search.cc",
        "native/src/cuda-driver.cc",
        "native/src/ecdsa-binding.cc",
        "native/src/ecdsa-sign.cc",
        "native/src/ecdsa-verify.cc",
        "native/src/sha256-hash.cc",
        "native/src/sha256-portable.cc",
        "native/src/sha256-shani.cc",
        "native/src/sha256-vector.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-O3", "-pthread"],
      "ldflags": ["-pthread"],
      "conditions": [
        ["OS=='linux'", { "libraries": ["-ldl"] }],
        ["OS=='mac'", {
          "xcode_settings": {
            "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
            "CLANG_CXX_LIBRARY": "libc++",
            "MACOSX_DEPLOYMENT_TARGET": "11.0"
          }
        }],
        ["OS=='win'", {
          "msvs_settings": { "VCCLCompilerTool": { "ExceptionHandling": 1 } }
        }]
      ]
    }
  ]
}
