#!/usr/bin/env bash
# Measures the Ed25519 verify verdict of trustcore, Go crypto/ed25519, Node
# crypto (OpenSSL), Python cryptography (OpenSSL), libsodium (PyNaCl) and
# @noble/ed25519 on the 1,077 vectors in
# ../shared/vectors/ed25519/all_normalized.json (speccheck + Wycheproof +
# CCTV), rewrites verdicts.json beside this script and prints the summary
# tables used in docs/ed25519-verdicts.md (measure_node.mjs, measure_python.py,
# go/ and summarize.py beside this script do the work).
#
# A documented manual command, not part of CI. It needs cargo, go, node/npm
# and python3 on PATH and reaches crates.io, PyPI and the npm registry the
# first time. Everything it installs goes under ${TRUSTCORE_ED25519_WORK:-/tmp/trustcore-ed25519}
# (a Python venv, an npm folder, a small cargo project depending on ../../core);
# nothing outside that folder and verdicts.json is written. Re-running reuses
# what is there.
#
#   bash test-vectors/ed25519/measure.sh
#
# Environment: TRUSTCORE_VECTORS (path of all_normalized.json),
# TRUSTCORE_ED25519_WORK (work folder), NOBLE_VERSION (npm version spec,
# default "latest").
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
vectors="${TRUSTCORE_VECTORS:-$repo/../shared/vectors/ed25519/all_normalized.json}"
work="${TRUSTCORE_ED25519_WORK:-/tmp/trustcore-ed25519}"
noble_version="${NOBLE_VERSION:-latest}"

if [[ ! -f "$vectors" ]]; then
  echo "measure.sh: vectors not found at $vectors (set TRUSTCORE_VECTORS)" >&2
  exit 2
fi
vectors="$(cd "$(dirname "$vectors")" && pwd)/$(basename "$vectors")"
for tool in cargo go node npm python3; do
  command -v "$tool" >/dev/null 2>&1 || { echo "measure.sh: $tool is not on PATH" >&2; exit 2; }
done
mkdir -p "$work/out"

# --- 1. trustcore (Rust): a throwaway cargo project depending on core/ ------
rust="$work/rust"
mkdir -p "$rust/src"
cat > "$rust/Cargo.toml" <<TOML
[package]
name = "trustcore-ed25519-verdicts"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
trustcore = { path = "$repo/core" }
serde_json = "1"
hex = "0.4"

[workspace]
TOML
cat > "$rust/src/main.rs" <<'RUST'
// trustcore::sign::verify on every vector; an Err (wrong length) is false.
use std::collections::BTreeMap;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let text = std::fs::read_to_string(&args[1]).expect("read vectors");
    let vectors: Vec<serde_json::Value> = serde_json::from_str(&text).expect("parse vectors");
    let mut verdicts = BTreeMap::new();
    for v in &vectors {
        let field = |k: &str| hex::decode(v[k].as_str().expect("hex field")).expect("hex");
        let ok = trustcore::sign::verify(&field("pk"), &field("msg"), &field("sig")).unwrap_or(false);
        verdicts.insert(v["id"].as_str().expect("id").to_string(), ok);
    }
    let out = serde_json::json!({ "trustcore": {
        "library": format!("trustcore {} (ed25519-dalek {}, VerifyingKey::verify)", args[2], args[3]),
        "verdicts": verdicts,
    }});
    println!("{out}");
}
RUST
# Same dependency versions as the repository: start from its lockfile.
cp "$repo/Cargo.lock" "$rust/Cargo.lock"
echo "measure.sh: building the trustcore verdict program" >&2
cargo build --quiet --manifest-path "$rust/Cargo.toml" --target-dir "$rust/target"
lockver() { awk -v n="$1" '$0 == "name = \"" n "\"" {getline; gsub(/version = |"/, ""); print; exit}' "$rust/Cargo.lock"; }
"$rust/target/debug/trustcore-ed25519-verdicts" "$vectors" "$(lockver trustcore)" "$(lockver ed25519-dalek)" > "$work/out/trustcore.json"

# --- 2. Go crypto/ed25519 (standard library; the module has no dependencies)
echo "measure.sh: running Go" >&2
(cd "$here/go" && GOTOOLCHAIN="${GOTOOLCHAIN:-local}" GOFLAGS=-mod=readonly go run . "$vectors") > "$work/out/go.json"

# --- 3 + 6. Node crypto (OpenSSL) and @noble/ed25519 ------------------------
npmdir="$work/npm"
mkdir -p "$npmdir"
[[ -f "$npmdir/package.json" ]] || echo '{"name":"trustcore-ed25519-verdicts","private":true}' > "$npmdir/package.json"
if [[ ! -f "$npmdir/node_modules/@noble/ed25519/package.json" || "$noble_version" != "latest" ]]; then
  echo "measure.sh: installing @noble/ed25519@$noble_version" >&2
  (cd "$npmdir" && npm install --silent --no-audit --no-fund "@noble/ed25519@$noble_version" >/dev/null)
fi
echo "measure.sh: running Node" >&2
NOBLE_DIR="$npmdir" node "$here/measure_node.mjs" "$vectors" > "$work/out/node.json"

# --- 4 + 5. Python cryptography (OpenSSL) and libsodium (PyNaCl) ------------
venv="$work/venv"
if [[ ! -x "$venv/bin/python" ]]; then
  python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c "import cryptography, nacl" >/dev/null 2>&1; then
  echo "measure.sh: installing cryptography and pynacl" >&2
  "$venv/bin/pip" install --quiet cryptography pynacl
fi
echo "measure.sh: running Python" >&2
"$venv/bin/python" "$here/measure_python.py" "$vectors" > "$work/out/python.json"

# --- combine: verdicts.json + summary tables --------------------------------
python3 "$here/summarize.py" "$vectors" "$here/verdicts.json" \
  "$work/out/trustcore.json" "$work/out/go.json" "$work/out/node.json" "$work/out/python.json"
