"""Runs every section of ../test-vectors/redaction.json (#12, format in its
README) through the Python API, as bindings-node/test/redaction-vectors.test.mjs
does through Node's:

* `policies`: each loads (dict, str, bytes) with its `policyDigests` digest,
  id and version, and gives its document back;
* `policyErrors`: refused with the vector's `code` and, when given, `path`;
* `detectors`: every detector's verdict through a one-rule policy, and
  every detector seen both matching and not matching;
* `redactions` / `redactErrors`: redacted bytes and records, from dicts and
  from JSON text; RedactionError with the vector's code;
* `proofs`: a privileged reader's proof of a removed value;
* `commitments` / `commitErrors`: commitment forms (canonical bytes) and
  their disclosures, from dicts and from text; the refusals' codes;
* `disclosures`: every view (`disclose` and `disclose_report` with its
  `opened` and `hidden`) and every RFC 9901 refusal (both functions, the
  same RedactionError code), and the four refusal codes all reached;
* `snapshots`: commitment-form records snapshotted and signed (lines,
  metadata, proofs, verification), views from the record and from its batch
  line, refusals, and a tampered batch's report.

Expected values come from the independent generator tools/gen_redaction.py,
never from trustcore.

Each refused policy is given both as the Python value (a dict or a list)
and as its JSON text.
"""

import json

import pytest
from conftest import vector_doc, vector_section

import trustcore as tc

NAME = "redaction.json"


def section(name):
    """parametrize() arguments for one section's cases."""
    return vector_section(NAME, name)


@pytest.fixture(scope="module")
def doc():
    return vector_doc(NAME)


@pytest.fixture(scope="module")
def policies(doc):
    return {name: tc.load_redaction_policy(d) for name, d in doc["policies"].items()}


def key(doc, name):
    return bytes.fromhex(doc["keys"][name])


def document_of(doc, c):
    d = c["document"]
    return doc["documents"][d] if isinstance(d, str) else d


def keys_of(doc, c):
    """The case's RedactionKeys (a short salt key is refused here, `missing_key`)."""
    salt = key(doc, c["saltKey"])[: c.get("saltKeyBytes", 32)]
    pseudonym = c.get("pseudonymKey")
    return tc.RedactionKeys(salt, None if pseudonym is None else key(doc, pseudonym))


def texts(value):
    """The JSON texts of a value: as str (ASCII and UTF-8 spellings) and as bytes."""
    return [json.dumps(value), json.dumps(value, ensure_ascii=False),
            json.dumps(value, ensure_ascii=False).encode()]


def test_every_section_is_present_and_non_empty(doc):
    for name in ("keys", "policies", "policyDigests", "policyErrors", "detectors", "documents",
                 "redactions", "redactErrors", "proofs", "commitments", "commitErrors",
                 "disclosures", "snapshots", "registry", "signingKeys"):
        assert doc.get(name), name
    assert set(doc["policies"]) == set(doc["policyDigests"])


def test_policies_load_with_their_digests_from_dicts_and_from_text(doc, policies):
    for name, p in policies.items():
        d = doc["policies"][name]
        assert p.digest == doc["policyDigests"][name], name
        assert p.to_dict() == d, name
        assert (p.id, p.version) == (d["id"], d["version"]), name
        for text in texts(d):
            assert tc.load_redaction_policy(text).digest == p.digest, name
        assert tc.RedactionPolicy.from_json(json.dumps(d)).digest == p.digest, name
        assert tc.RedactionPolicy.from_dict(d).digest == p.digest, name


@pytest.mark.parametrize("case", **section("policyErrors"))
def test_policy_error(case):
    args = [case["policyText"]] if "policyText" in case else [case["policy"], json.dumps(case["policy"])]
    want = case["error"]
    for arg in args:
        with pytest.raises(tc.TrustcoreError) as e:
            tc.load_redaction_policy(arg)
        assert e.value.code == want["code"], (str(e.value), arg)
        if want["code"] in ("invalid_policy", "unsupported_policy_version"):
            assert isinstance(e.value, tc.RedactionError), type(e.value)
        if "path" in want:
            assert e.value.path == want["path"], str(e.value)


def test_every_detector_gives_the_vectors_verdict(doc):
    keys = tc.RedactionKeys(key(doc, "salt"))
    by_detector = {}
    seen = set()
    for c in doc["detectors"]:
        d = c["detector"]
        if d not in by_detector:
            by_detector[d] = tc.load_redaction_policy({
                "type": "trustcore.redaction-policy/v1", "id": f"d-{d}", "version": 1,
                "rules": [{"id": "r", "select": {"detect": d}, "action": "remove"}],
            })
        _, record = tc.redact({"v": c["value"]}, by_detector[d], keys)
        assert (len(record["redactions"]) == 1) == c["matches"], f"{d} on {c['value']!r}"
        seen.add((d, c["matches"]))
    for d in ("email", "phone", "ipv4", "ipv6", "card", "iban"):
        assert (d, True) in seen and (d, False) in seen, d


@pytest.mark.parametrize("case", **section("redactions"))
def test_redaction(doc, policies, case):
    policy = policies[case["policy"]]
    document = document_of(doc, case)
    redacted, record = tc.redact(document, policy, keys_of(doc, case))
    assert isinstance(redacted, bytes)
    assert redacted.decode() == case["redacted"]
    assert record == case["record"]
    # The same from the document's JSON text.
    for text in texts(document):
        again = tc.redact(text, policy, keys_of(doc, case))
        assert (again[0].decode(), again[1]) == (case["redacted"], case["record"]), text


@pytest.mark.parametrize("case", **section("redactErrors"))
def test_redaction_error(doc, policies, case):
    policy = policies[case["policy"]]
    document = document_of(doc, case)
    for arg in [document, json.dumps(document)]:
        with pytest.raises(tc.RedactionError) as e:
            tc.redact(arg, policy, keys_of(doc, case))
        assert e.value.code == case["code"], str(e.value)


@pytest.mark.parametrize("case", **section("proofs"))
def test_proof(doc, case):
    run = next(r for r in doc["redactions"] if r["id"] == case["redaction"])
    entry = run["record"]["redactions"][case["entry"]]
    keys = tc.RedactionKeys(key(doc, case["saltKey"]))
    assert tc.proves(entry, case["value"], keys) is case["proves"]


def commit_case(doc, policies, c, document=None):
    document = document_of(doc, c) if document is None else document
    return tc.commit(document, policies[c["policy"]], tc.RedactionKeys(key(doc, c["saltKey"])))


def committed_form(doc, policies, commitment_id):
    """A commitment case's record in commitment form, as Python commits it."""
    c = next(x for x in doc["commitments"] if x["id"] == commitment_id)
    return commit_case(doc, policies, c)[0]


@pytest.mark.parametrize("case", **section("commitments"))
def test_commitment(doc, policies, case):
    record, disclosures = commit_case(doc, policies, case)
    assert tc.canonicalize(record).decode() == case["committed"]
    assert disclosures == case["disclosures"]
    for text in texts(document_of(doc, case)):
        assert commit_case(doc, policies, case, text) == (record, disclosures), "from text"


@pytest.mark.parametrize("case", **section("commitErrors"))
def test_commitment_error(doc, policies, case):
    with pytest.raises(tc.RedactionError) as e:
        commit_case(doc, policies, case)
    assert e.value.code == case["code"], str(e.value)


def disclosure_refusals(doc, policies, case):
    """The RedactionError codes `disclose` and `disclose_report` raise for an
    error case (asserting that both raise it)."""
    record = (committed_form(doc, policies, case["commitment"]) if "commitment" in case
              else case["committed"])
    codes = []
    for f in (tc.disclose, tc.disclose_report):
        with pytest.raises(tc.RedactionError) as e:
            f(record, case["disclosures"])
        assert e.value.code == case["error"], f"{case['id']} ({f.__name__}): {e.value}"
        codes.append(e.value.code)
    return codes


@pytest.mark.parametrize("case", **section("disclosures"))
def test_disclosure(doc, policies, case):
    if "error" in case:
        disclosure_refusals(doc, policies, case)
        return
    record = (committed_form(doc, policies, case["commitment"]) if "commitment" in case
              else case["committed"])
    given = case["disclosures"]
    assert tc.disclose(record, given) == case["expected"]
    assert tc.disclose_report(record, given) == {
        "view": case["expected"], "opened": case["opened"], "hidden": case["hidden"]}
    # The record as JSON text (a batch line) reads the same.
    text = tc.canonicalize(record).decode()
    assert tc.disclose(text, given) == case["expected"]


def test_disclosure_refusals_reach_every_code(doc, policies):
    codes = set()
    for case in doc["disclosures"]:
        if "error" in case:
            codes.update(disclosure_refusals(doc, policies, case))
    for code in ("invalid_disclosure", "duplicate_digest", "unreferenced_disclosure",
                 "claim_collision"):
        assert code in codes, code


def plain(report):
    """The report without failure messages (which are for people)."""
    out = dict(report, failures=[])
    for f in report["failures"]:
        assert isinstance(f["message"], str) and f["message"]
        out["failures"].append({k: v for k, v in f.items() if k != "message"})
    return out


@pytest.mark.parametrize("case", **section("snapshots"))
def test_commitment_form_snapshot(doc, policies, case):
    registry = tc.SignerRegistry.from_json(doc["registry"])
    policy = policies[case["policy"]]
    keys = tc.RedactionKeys(key(doc, case["saltKey"]))
    b = tc.SnapshotBuilder()
    lines, records = [], []
    for i, r in enumerate(case["records"]):
        record, disclosures = tc.commit(r, policy, keys)
        assert disclosures == case["disclosures"][i], i
        line = b.push(record)
        assert line.decode() == case["lines"][i] + "\n", i
        lines.append(line)
        records.append(record)
    batch = b"".join(lines)
    sk = tc.SecretKey.from_hex(doc["signingKeys"][case["key"]]["seed"])
    snap = b.finish(case["snapshotId"], case["ts"]).sign(sk, case["signerKid"], case["alg"])
    assert snap.to_json() == case["metadata"]
    assert tc.canonicalize(snap.metadata).decode() == case["metadata"]
    assert tc.verify_snapshot(snap, batch, registry)["valid"] is True
    for i, line in enumerate(case["lines"]):
        proof = tc.record_proof(batch, i)
        assert [h.hex() for h in proof] == case["proofs"][i], i
        assert tc.verify_record(snap, line, i, proof, registry)["valid"] is True, i
    for v in case["views"]:
        given = [case["disclosures"][v["record"]][k] for k in v["disclose"]]
        assert tc.disclose(records[v["record"]], given) == v["expected"], v["id"]
        # The reader holds the batch line, not the producer's object.
        assert tc.disclose(case["lines"][v["record"]], given) == v["expected"], v["id"]
    for rf in case["refusals"]:
        with pytest.raises(tc.RedactionError) as e:
            tc.disclose(records[rf["record"]], rf["disclosures"])
        assert e.value.code == rf["error"], rf["id"]
    tampered = tc.verify_snapshot(snap, case["tampered"]["batch"], registry)
    assert plain(tampered) == case["tampered"]["expected"]
