#!/usr/bin/env bash
# Builds the trustcore-wasm npm package:
#   pkg-node/    the full module, wasm-bindgen --target nodejs (CommonJS, loads the .wasm synchronously)
#   pkg-web/     the full module, wasm-bindgen --target web    (ESM, `await init()` fetches the .wasm)
#   pkg-verify/  the verify module (the control-panel app's), --target web
# Each module is compiled once (cargo profile `wasm`, see compile() below)
# and shrunk with `wasm-opt -Oz` from the npm package `binaryen` (Debian's
# wasm-opt 108 breaks the module).
#
# Toolchain: rustup's wasm32-unknown-unknown target when it can be added,
# otherwise Debian's rustc-web with -Zbuild-std (see the wasm build notes in bindings-wasm/README.md).
# Needs `npm install` (or `npm ci`) in this folder first, for wasm-opt.
#
# Environment:
#   TRUSTCORE_TOOLS     where wasm-bindgen-cli lives (default ~/.cache/trustcore-tools)
#   TRUSTCORE_WASM_TOOLCHAIN=debian  force the Debian route
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"

WASM_BINDGEN_VERSION=0.2.130
tools="${TRUSTCORE_TOOLS:-$HOME/.cache/trustcore-tools}"
wasm_bindgen="$tools/bin/wasm-bindgen"
wasm_opt="$here/node_modules/.bin/wasm-opt"
target=wasm32-unknown-unknown

log() { printf '[build-wasm] %s\n' "$*" >&2; }

# --- wasm-bindgen-cli, exactly the crate's version --------------------------
if ! { [ -x "$wasm_bindgen" ] && "$wasm_bindgen" --version 2>/dev/null | grep -qx "wasm-bindgen $WASM_BINDGEN_VERSION"; }; then
    log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION into $tools (takes several minutes once)"
    # No --locked: its lockfile wants a crate version the registry does not serve.
    cargo install wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION" --root "$tools"
fi

if [ ! -x "$wasm_opt" ]; then
    log "wasm-opt missing: run 'npm install' in $here first"
    exit 1
fi

# --- compile the two modules ----------------------------------------------
# full   (default features): pkg-node/, pkg-web/
# verify (--no-default-features): pkg-verify/, the browser's verifier (the
#        control-panel app): size-optimised harder, see the README's size table.
#
# Profile `wasm` (root Cargo.toml: opt-level s, fat LTO, one codegen unit,
# panic=abort), with overrides given here so that only this build sees
# them (measured: README "Size and speed"):
# * both modules: opt-level 3 for the crates whose speed is the verifier's
#   speed, Ed25519 and the hashes (curve25519-dalek, sha2, blake3);
# * verify: opt-level z for everything else (the smallest module: 10 % less
#   than s);
# * full: opt-level 3 for trustcore itself too (canonicalization from JS
#   text 2.3x faster than at z; the module is larger, and its users are
#   Node and bundlers).
use_debian=0
if [ "${TRUSTCORE_WASM_TOOLCHAIN:-}" = debian ]; then
    use_debian=1
elif ! rustup target list --installed 2>/dev/null | grep -qx "$target"; then
    if ! rustup target add "$target" >&2; then
        log "rustup cannot add $target; falling back to Debian's rustc-web"
        use_debian=1
    fi
fi

crypto_opt=(
    --config 'profile.wasm.package.curve25519-dalek.opt-level=3'
    --config 'profile.wasm.package.sha2.opt-level=3'
    --config 'profile.wasm.package.blake3.opt-level=3'
)
verify_opt=(--config 'profile.wasm.opt-level="z"' "${crypto_opt[@]}")
full_opt=(--config 'profile.wasm.package.trustcore.opt-level=3' "${crypto_opt[@]}")

# The verify module is built with std rebuilt for `panic=immediate-abort`
# (no panic messages or locations in the module: a panic was already an
# abort) when the toolchain has its sources (`rustup component add
# rust-src`); otherwise it is built like the full one.
build_std=()
std_flags=""
if [ "$use_debian" = 1 ]; then
    build_std=(-Zbuild-std=std,panic_abort)
elif rustup component list --installed 2>/dev/null | grep -q '^rust-src' \
    || rustup component add rust-src >&2 2>/dev/null; then
    build_std=(-Zbuild-std=std,panic_abort)
    std_flags="-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none"
else
    log "rust-src is not available: the verify module is built without -Zbuild-std (larger)"
fi

compile() { # <flavor: full|verify> -> prints the path of the .wasm
    local flavor="$1" features=() dir flags="" extra=() overrides=("${full_opt[@]}")
    if [ "$flavor" = verify ]; then
        features=(--no-default-features)
        overrides=("${verify_opt[@]}")
    fi
    if [ "$use_debian" = 0 ]; then
        dir="$root/target/wasm-$flavor"
        if [ "$flavor" = verify ] && [ "${#build_std[@]}" -gt 0 ]; then
            extra=("${build_std[@]}")
            flags="$std_flags"
        fi
        RUSTC_BOOTSTRAP=1 RUSTFLAGS="$flags" CARGO_TARGET_DIR="$dir" \
            cargo build -q -p trustcore-wasm "${features[@]}" --target "$target" --profile wasm \
            "${overrides[@]}" "${extra[@]}" >&2
    else
        if ! dpkg -s rustc-web cargo-web rust-web-src rust-web-llvm lld-22 >/dev/null 2>&1; then
            log "installing Debian rustc-web (apt-get)"
            apt-get update >&2
            DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
                rustc-web cargo-web rust-web-src rust-web-llvm lld-22 >&2
        fi
        # A separate target dir keeps the two toolchains from invalidating each other.
        dir="$root/target/wasm-debian-$flavor"
        RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR="$dir" \
            /usr/bin/cargo build -q -p trustcore-wasm "${features[@]}" --target "$target" --profile wasm \
            "${overrides[@]}" -Zbuild-std=std,panic_abort >&2
    fi
    echo "$dir/$target/wasm/trustcore_wasm.wasm"
}

log "compiling the full module"
raw="$(compile full)"
log "compiling the verify module"
raw_verify="$(compile verify)"

# --- glue for Node and for the web, then wasm-opt ---------------------------
source "$here/wasm-opt-features.sh"
optimize() {
    "$wasm_opt" -Oz "${wasm_opt_features[@]}" "$1" -o "$1.opt"
    mv "$1.opt" "$1"
}
for flavor in node web verify; do
    out="$here/pkg-$flavor"
    input="$raw"
    case "$flavor" in
        node) bindgen_target=nodejs; module_type=commonjs ;;
        web) bindgen_target=web; module_type=module ;;
        verify) bindgen_target=web; module_type=module; input="$raw_verify" ;;
    esac
    rm -rf "$out"
    "$wasm_bindgen" --target "$bindgen_target" --out-dir "$out" --out-name trustcore_wasm "$input"
    # Errors the glue and wasm-bindgen's runtime raise themselves must carry
    # a code like every other error of the module (the fuzz harness checks
    # that no error is code-less). Fails loudly if a wasm-bindgen upgrade
    # changes either helper.
    # * A class argument of the wrong type (`registry.verifyEnvelope({}, at)`)
    #   is checked by the glue before Rust sees it: a TypeError with code
    #   `invalid_argument`.
    # * `__wbindgen_throw` raises wasm-bindgen's runtime errors: an object
    #   used after `free()` ("null pointer passed to rust") and re-entrant
    #   use of an object from a callback ("recursive use of an object ..."),
    #   both before any of our code runs: the same TypeError, with a message
    #   a caller can act on.
    python3 - "$out/trustcore_wasm.js" <<'PY'
import re, sys
path = sys.argv[1]
js = open(path, encoding="utf-8").read()
old = """function _assertClass(instance, klass) {
    if (!(instance instanceof klass)) {
        throw new Error(`expected instance of ${klass.name}`);
    }
}"""
new = """function _isRevokedProxy(value) {
    try {
        Array.isArray(value);
        return false;
    } catch {
        return true;
    }
}

function _assertClass(instance, klass) {
    if (_isRevokedProxy(instance) || !(instance instanceof klass)) {
        const got = instance === null ? 'null' : typeof instance === 'object' ? 'an object' : typeof instance;
        const e = new TypeError(`expected an instance of ${klass.name}, got ${got}`);
        e.code = 'invalid_argument';
        throw e;
    }
}

function _runtimeError(message) {
    const known = {
        'null pointer passed to rust': 'this object has been freed (free() or `using`) and cannot be used any more',
        'recursive use of an object detected which would lead to unsafe aliasing in rust': 'this object is in use by a call that has not returned (re-entrant use from a getter or a callback)',
        'attempted to take ownership of Rust value while it was borrowed': 'this object is in use by a call that has not returned',
    };
    const e = new TypeError(known[message] ?? message);
    e.code = 'invalid_argument';
    return e;
}"""
if js.count(old) != 1:
    sys.exit(f"build.sh: _assertClass not found as expected in {path}; update the patch")
js = js.replace(old, new)
throw = re.compile(r"(__wbg___wbindgen_throw_[0-9a-f]+: function\(arg0, arg1\) \{\n\s*)throw new Error\(getStringFromWasm0\(arg0, arg1\)\);")
js, n = throw.subn(r"\1throw _runtimeError(getStringFromWasm0(arg0, arg1));", js)
if n != 1:
    sys.exit(f"build.sh: __wbindgen_throw not found as expected in {path}; update the patch")
open(path, "w", encoding="utf-8").write(js)
PY
    # The package root sets no "type"; say what each folder's .js files are.
    printf '{\n  "type": "%s"\n}\n' "$module_type" > "$out/package.json"
done
node_wasm="$here/pkg-node/trustcore_wasm_bg.wasm"
web_wasm="$here/pkg-web/trustcore_wasm_bg.wasm"
if cmp -s "$node_wasm" "$web_wasm"; then
    # Both targets emit the same module: optimise once (wasm-opt is the slow step).
    optimize "$web_wasm"
    cp "$web_wasm" "$node_wasm"
else
    optimize "$node_wasm"
    optimize "$web_wasm"
fi

optimize "$here/pkg-verify/trustcore_wasm_bg.wasm"

for flavor in web verify; do
    wasm="$here/pkg-$flavor/trustcore_wasm_bg.wasm"
    log "pkg-$flavor: $(wc -c < "$wasm") bytes raw, $(gzip -9c "$wasm" | wc -c) bytes gzipped (wasm-opt -Oz)"
done
