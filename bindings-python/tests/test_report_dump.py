"""The cross-binding report dump (tests/report_dump.py, run by ci.sh):
every vector case is dumped, as JSON, in the format .ci/compare_reports.py
reads."""

import json

from conftest import VECTORS_DIR
from report_dump import dump


def count(d, group):
    return sum(1 for k in d["cases"] if k.startswith(group + "/"))


def test_every_vector_case_is_dumped():
    d = dump()
    assert d["binding"] == "python"
    vec = {n: json.loads((VECTORS_DIR / n).read_text(encoding="utf-8"))
           for n in ("chain.json", "merkle.json", "checkpoint.json", "policy.json", "options.json",
                     "profiles.json")}
    assert count(d, "chain") == len(vec["chain.json"]["cases"])
    assert count(d, "replay") == len(vec["chain.json"]["replay"])
    # segments: the stitched report of each chain case is its one-pass report.
    assert count(d, "segments") == len(vec["chain.json"]["cases"])
    for c in vec["chain.json"]["cases"]:
        assert d["cases"][f"segments/{c['id']}"] == d["cases"][f"chain/{c['id']}"], c["id"]
    assert count(d, "inclusion") == len(vec["merkle.json"]["inclusion"])
    assert count(d, "consistency") == len(vec["merkle.json"]["consistency"])
    assert count(d, "checkpoint") == len(vec["checkpoint.json"]["cases"])
    assert count(d, "policy") == len(vec["policy.json"]["cases"])
    assert count(d, "options") == len(vec["options.json"]["cases"])
    p = vec["profiles.json"]
    assert count(d, "profiles") == len(p["cases"]) + len(p["inference"]) + len(p["documents"])
    for c in p["cases"]:
        got = {k: v for k, v in d["cases"][f"profiles/{c['id']}"].items()}
        got["breaks"] = [{k: v for k, v in b.items() if k != "message"} for b in got["breaks"]]
        assert got == c["expected"], c["id"]
    for c in p["documents"]:
        got = d["cases"][f"profiles/document/{c['id']}"]
        want = c["expected"]
        assert got == want if "loaded" in want else got["error"]["code"] == want["code"], c["id"]
    text = json.dumps(d, sort_keys=True)
    assert json.loads(text) == d
    # Sizes beyond 2^53 - 1 stay exact.
    assert '"size": 9223372036854775807' in text
