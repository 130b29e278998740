#!/usr/bin/env bash
# Runs test/browser/index.html in headless Debian chromium against the web
# build (pkg-web) and prints "browser: N passed, M failed" (plus one line per
# control-panel check). Exits non-zero unless every case passed, there was at
# least one, and the six control-panel checks (three for signed envelopes,
# three for the audit chain and policies) ran and passed.
# Needs bindings-wasm/build.sh to have run. Installs chromium with apt-get
# when /usr/bin/chromium is missing.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
chromium="${CHROMIUM:-/usr/bin/chromium}"

if [ ! -x "$chromium" ]; then
    echo "[browser] installing chromium (apt-get)" >&2
    apt-get update >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium >&2
fi
if [ ! -f "$root/bindings-wasm/pkg-web/trustcore_wasm.js" ]; then
    echo "[browser] pkg-web is missing: run bindings-wasm/build.sh first" >&2
    exit 1
fi

work="$(mktemp -d)"
server_pid=""
cleanup() {
    if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$root" >"$work/server.log" 2>&1 &
server_pid=$!

url="http://127.0.0.1:$port/bindings-wasm/test/browser/index.html"
for _ in $(seq 1 50); do
    if python3 -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=1)" "$url" 2>/dev/null; then
        break
    fi
    sleep 0.1
done

timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --disable-dev-shm-usage --user-data-dir="$work/profile" \
    --virtual-time-budget=30000 --dump-dom "$url" >"$work/dom.html" 2>"$work/chromium.log" || true

summary="$(python3 - "$work/dom.html" <<'PY'
import html, re, sys
dom = open(sys.argv[1], encoding="utf-8", errors="replace").read()
m = re.search(r'<pre id="result">(.*?)</pre>', dom, re.S)
print(html.unescape(m.group(1)).strip() if m else "no result in the page")
p = re.search(r'<pre id="control-panel">(.*?)</pre>', dom, re.S)
panel = html.unescape(p.group(1)).strip().splitlines() if p else []
for line in panel:
    print(f"browser: {line}", file=sys.stderr)
# The control-panel checks must all have run and passed, or the page failed.
if len(panel) != 6 or not all(l.startswith("ok ") for l in panel):
    print("control panel checks missing or failed")
    sys.exit(0)
f = re.search(r'<pre id="failures">(.*?)</pre>', dom, re.S)
if f and f.group(1).strip():
    print(html.unescape(f.group(1)).strip(), file=sys.stderr)
PY
)"
echo "browser: $summary"

if [[ "$summary" =~ ^([0-9]+)\ passed,\ 0\ failed$ ]] && [ "${BASH_REMATCH[1]}" -gt 0 ]; then
    exit 0
fi
echo "[browser] failed; chromium log tail:" >&2
tail -n 20 "$work/chromium.log" >&2 || true
exit 1
