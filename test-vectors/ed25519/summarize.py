"""Combines per-library verdict files into verdicts.json and prints summary tables.

Usage: python3 summarize.py all_normalized.json verdicts.json OUT.json...
Each OUT.json is {"<library key>": {"library": "<name and version>",
"verdicts": {"<id>": bool}}}. Standard library only.
"""

import json
import sys
from collections import Counter

ORDER = ["trustcore", "go", "openssl_node", "openssl_python", "libsodium", "noble"]
SOURCES = ["speccheck", "wycheproof", "cctv"]


def main() -> None:
    vectors_path, verdicts_path, *outs = sys.argv[1:]
    with open(vectors_path, encoding="utf-8") as f:
        vectors = json.load(f)
    libs = {}
    for path in outs:
        with open(path, encoding="utf-8") as f:
            libs.update(json.load(f))
    missing = [k for k in ORDER if k not in libs]
    if missing:
        sys.exit(f"summarize.py: no verdicts for {missing}")
    for key in ORDER:
        absent = [v["id"] for v in vectors if v["id"] not in libs[key]["verdicts"]]
        if absent:
            sys.exit(f"summarize.py: {key} has no verdict for {absent[:5]}")

    doc = {
        "format": "trustcore-vectors/ed25519-verdicts",
        "version": 1,
        "description": (
            "Ed25519 verify verdicts (true = signature accepted) of trustcore and other "
            "libraries on the 1,077 speccheck + Wycheproof + CCTV vectors in "
            "shared/vectors/ed25519/all_normalized.json, matched by id. A public key or "
            "signature of the wrong length, a key that fails to import and any exception "
            "count as false. Produced by test-vectors/ed25519/measure.sh; see "
            "docs/ed25519-verdicts.md."
        ),
        "libraries": {k: libs[k]["library"] for k in ORDER},
        "cases": [
            {"id": v["id"], **{k: libs[k]["verdicts"][v["id"]] for k in ORDER}} for v in vectors
        ],
    }
    # One case per line: small, and diffs show exactly which verdicts moved.
    head = json.dumps({k: v for k, v in doc.items() if k != "cases"}, indent=1)
    rows = ",\n".join("  " + json.dumps(c) for c in doc["cases"])
    with open(verdicts_path, "w", encoding="utf-8") as f:
        f.write(head[:-2] + ',\n "cases": [\n' + rows + "\n ]\n}\n")
    with open(verdicts_path, encoding="utf-8") as f:
        assert json.load(f) == doc
    print(f"wrote {verdicts_path}\n")

    by_id = {v["id"]: v for v in vectors}
    tc = libs["trustcore"]["verdicts"]
    n_src = Counter(v["src"] for v in vectors)

    print("Libraries:")
    for k in ORDER:
        print(f"- {k}: {libs[k]['library']}")
    print()

    # Accepted and disagreements with trustcore, per source.
    head = "| library | accepted (of {}) | speccheck ({}) | wycheproof ({}) | cctv ({}) | differs from trustcore | speccheck | wycheproof | cctv | accepts where trustcore rejects | rejects where trustcore accepts |"
    print(head.format(len(vectors), *(n_src[s] for s in SOURCES)))
    print("|" + "---|" * 11)
    for k in ORDER:
        ver = libs[k]["verdicts"]
        acc = Counter(by_id[i]["src"] for i, b in ver.items() if b and i in by_id)
        diff = [i for i in by_id if ver[i] != tc[i]]
        dsrc = Counter(by_id[i]["src"] for i in diff)
        looser = sum(1 for i in diff if ver[i])
        print(
            f"| {k} | {sum(acc.values())} | "
            + " | ".join(str(acc[s]) for s in SOURCES)
            + f" | {len(diff)} | "
            + " | ".join(str(dsrc[s]) for s in SOURCES)
            + f" | {looser} | {len(diff) - looser} |"
        )
    print()

    # CCTV disagreements by flag (a vector carries several flags).
    flags = sorted({f for v in vectors if v["src"] == "cctv" for f in v["flags"]})
    flag_n = Counter(f for v in vectors if v["src"] == "cctv" for f in v["flags"])
    others = [k for k in ORDER if k != "trustcore"]
    print("CCTV vectors that differ from trustcore, by flag (a vector has several flags):\n")
    print("| flag (vectors) | " + " | ".join(others) + " |")
    print("|---|" + "---|" * len(others))
    for fl in flags + ["(no flag)"]:
        row = []
        for k in others:
            ver = libs[k]["verdicts"]
            row.append(
                sum(
                    1
                    for v in vectors
                    if v["src"] == "cctv"
                    and ver[v["id"]] != tc[v["id"]]
                    and ((fl in v["flags"]) if fl != "(no flag)" else not v["flags"])
                )
            )
        n = flag_n[fl] if fl != "(no flag)" else sum(1 for v in vectors if v["src"] == "cctv" and not v["flags"])
        print(f"| {fl} ({n}) | " + " | ".join(map(str, row)) + " |")
    print()

    # Wycheproof agreement with its expected result.
    wy = [v for v in vectors if v["src"] == "wycheproof" and v["expected"] in ("valid", "invalid")]
    print(f"Wycheproof agreement with expected result ({len(wy)} tests):\n")
    print("| library | agrees | valid accepted | invalid rejected | disagreeing ids |")
    print("|---|---|---|---|---|")
    nvalid = sum(1 for v in wy if v["expected"] == "valid")
    for k in ORDER:
        ver = libs[k]["verdicts"]
        bad = [v["id"] for v in wy if ver[v["id"]] != (v["expected"] == "valid")]
        va = sum(1 for v in wy if v["expected"] == "valid" and ver[v["id"]])
        ir = sum(1 for v in wy if v["expected"] == "invalid" and not ver[v["id"]])
        print(f"| {k} | {len(wy) - len(bad)}/{len(wy)} | {va}/{nvalid} | {ir}/{len(wy) - nvalid} | {', '.join(bad) or '-'} |")
    print()

    # Every vector where a library differs from trustcore, for the OpenSSL/Go group in full.
    for k in ["go", "openssl_node", "openssl_python"]:
        ver = libs[k]["verdicts"]
        diff = [i for i in by_id if ver[i] != tc[i]]
        print(f"{k} vs trustcore: {len(diff)} differ" + (": " + ", ".join(diff) if diff else ""))


if __name__ == "__main__":
    main()
