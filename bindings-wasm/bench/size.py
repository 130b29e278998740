#!/usr/bin/env python3
"""What each crate costs in a WASM module, from twiggy's per-item sizes.

    bash bench/size.sh                       # the shipped verify module, named (runs this script)
    python3 bench/size.py <twiggy top --format json output>

The input is best the module as shipped with its names kept (`size.sh`):
each function is attributed to the crate its path starts with
(`alloc::collections::btree::…` is `alloc`, generic code instantiated for
our types included), data segments to "(data)", and an exported function's
shim, with the binding and core code wasm-opt inlined into it, to
"(exports)". On the module cargo writes (before wasm-bindgen and wasm-opt)
the table also counts wasm-bindgen's descriptors and code wasm-opt removes.
"""
import collections
import json
import re
import sys


def main():
    d = json.load(open(sys.argv[1]))
    items = d["items"] if isinstance(d, dict) else d
    crates = collections.Counter()
    modules = collections.Counter()
    generic = collections.Counter()
    for it in items:
        name, size = it["name"], it["shallow_size"]
        if name.startswith("custom section") or "function names" in name or "wasm_bindgen_unstable" in name:
            continue
        # wasm-bindgen's descriptors (run at bindgen time, never shipped),
        # export and import entries.
        if "__wbindgen_describe" in name or name.startswith(("export ", "import ")):
            continue
        plain = re.sub(r"\[[0-9a-f]+\]", "", name)
        m = re.match(r"^[<&\s]*(?:mut |dyn )?([a-z_][a-z0-9_]*)::(?:([a-z_][a-z0-9_]*)::)?(?:([a-zA-Z_][a-zA-Z0-9_]*))?", plain)
        if name.startswith("data"):
            key = "(data: strings, tables)"
        elif name.endswith(" shim"):
            key = "(exports: shims and the code inlined into them)"
        elif m:
            key = m.group(1)
            if key == "trustcore" and m.group(2):
                modules["trustcore::" + m.group(2)] += size
            if key in ("core", "alloc"):
                generic["%s::%s::%s" % (key, m.group(2) or "", m.group(3) or "")] += size
        else:
            key = "(the rest: impls for std types, closures)"
        crates[key] += size
    total = sum(crates.values())
    print("| crate | bytes | share |\n|---|---:|---:|")
    for k, v in crates.most_common(20):
        print("| %s | %s | %.1f %% |" % (k, format(v, ","), 100 * v / total))
    print("| total (code and data) | %s | |" % format(total, ","))
    print("\n| trustcore module | bytes |\n|---|---:|")
    for k, v in modules.most_common(12):
        print("| %s | %s |" % (k, format(v, ",")))
    print("\n| largest generic code (std) | bytes |\n|---|---:|")
    for k, v in generic.most_common(6):
        print("| %s | %s |" % (k.rstrip(":"), format(v, ",")))


if __name__ == "__main__":
    main()
