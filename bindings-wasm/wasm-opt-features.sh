# The WebAssembly features wasm-opt may assume in the modules wasm-bindgen
# writes (Rust's wasm32 target enables them). Sourced by build.sh and by the
# measurement scripts in bench/, so that they optimize the same module.
# shellcheck disable=SC2034
wasm_opt_features=(--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
    --enable-mutable-globals --enable-reference-types --enable-multivalue)
