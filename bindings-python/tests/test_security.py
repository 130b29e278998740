"""Regression tests for issue #15, one group per finding, as they reach the
Python binding. Each reproducer from the issue is refused or bounded."""

import hashlib
import json
import subprocess
import sys
import textwrap
import time

import pytest

import trustcore as tc

SK = tc.SecretKey.from_bytes(bytes([7]) * 32)


def registry_of(*entries):
    return tc.SignerRegistry.from_json(json.dumps({"signers": list(entries)}))


def entry(signer_id, key, **extra):
    return {"signerId": signer_id, "publicKey": key.public_key().to_base64(), **extra}


REG = registry_of(entry("s1", SK))


def body(i, p):
    return {"id": f"6f1c2a4e-0000-4000-8000-{i:012d}", "ts": f"2026-03-01T12:00:0{i % 10}Z",
            "event_type": "t", "actor": "a", "payload": {"p": p}}


def run_child(code, timeout=120):
    """Runs `code` in a fresh interpreter; returns (returncode, stdout, stderr)."""
    p = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                       text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


# ---- 1. A trusted head pins history -----------------------------------------


def forged_chain():
    """The issue's reproducer: the original chain's head, and a chain that
    rewrites seq 2 and 3 (and goes on) on top of the original seq 1."""
    w = tc.ChainWriter("s1", SK.public_key())
    orig = [w.append(body(i, "orig"), SK) for i in (1, 2, 3)]
    saved = w.head
    f = tc.ChainWriter("s1", SK.public_key(), head={"hash": json.loads(orig[0])["hash"], "seq": 1})
    forged = [orig[0]] + [f.append(body(i, "forged"), SK) for i in (12, 13, 14, 15)]
    return orig, saved, forged


def test_1_a_rewritten_history_with_expected_head_is_invalid():
    orig, saved, forged = forged_chain()
    assert tc.verify_jsonl("\n".join(orig), REG, expected_head=saved)["valid"]
    short = tc.verify_jsonl("\n".join(forged[:3]), REG, expected_head=saved)
    assert not short["valid"]
    # The issue: extended past the trusted seq, the rewrite verified.
    for opts in ({}, {"stop_at_first": True}, {"threads": 1}, {"track_ids": False}):
        report = tc.verify_jsonl("\n".join(forged), REG, expected_head=saved, **opts)
        assert not report["valid"], opts
        # Reported at the row that reaches the trusted seq (position 2).
        assert [(b["reason"], b["position"], b["seq"]) for b in report["breaks"]] == [
            ("head_mismatch", 2, 3)]
        assert report["break_counts"] == {"head_mismatch": 1}
    # Streaming, row by row and from a state saved before the trusted seq.
    v = tc.ChainVerifier(REG, expected_head=saved)
    v.feed_row(forged[0])
    state = v.state()
    r = tc.ChainVerifier.resume(REG, state, expected_head=saved)
    for row in forged[1:]:
        r.feed_row(json.loads(row))
    assert [b["reason"] for b in r.finish()["breaks"]] == ["head_mismatch"]


def test_1_a_state_past_the_trusted_head_cannot_skip_it():
    orig, saved, forged = forged_chain()
    v = tc.ChainVerifier(REG)  # no trusted head: the rewrite is a valid chain
    v.feed("\n".join(forged) + "\n")
    state = v.state()
    with pytest.raises(tc.ChainError) as e:
        tc.ChainVerifier.resume(REG, state, expected_head=saved)
    assert e.value.code == "invalid_state"


def test_1_a_checkpoint_pins_every_row_it_covers():
    orig, saved, forged = forged_chain()
    tree = tc.MerkleTree([bytes.fromhex(json.loads(r)["hash"]) for r in orig])
    checkpoint = {"size": 3, "root": tree.root().hex()}
    assert tc.verify_jsonl("\n".join(orig), REG, checkpoint=checkpoint)["valid"]
    report = tc.verify_jsonl("\n".join(forged), REG, checkpoint=checkpoint)
    assert [b["reason"] for b in report["breaks"]] == ["checkpoint_mismatch"]


# ---- 2. Revocation is transitive; a rotation cannot reach back ---------------


def rotation(prev, prev_key, nxt, next_key, rotated_at, next_from, until):
    payload = {"previous": prev,
               "next": {"signerId": nxt, "publicKey": next_key.public_key().to_base64(),
                        "validFrom": next_from},
               "previousValidUntil": until, "rotatedAt": rotated_at}
    env = tc.Envelope.create(tc.ROTATION_KIND, payload)
    env.sign(prev_key, prev)
    env.sign(next_key, nxt)
    return env


K1 = tc.SecretKey.from_bytes(bytes([1]) * 32)
THIEF = tc.SecretKey.from_bytes(bytes([3]) * 32)
REVOKED = "2026-05-01T00:00:00Z"


def revoked_registry():
    return registry_of(entry("k1", K1, revokedAt=REVOKED))


@pytest.mark.parametrize("rotated_at, next_from, until", [
    ("2026-04-01T00:00:00Z", "2026-04-01T00:00:00Z", "2099-01-01T00:00:00Z"),  # far-future overlap
    ("2026-05-01T00:00:00Z", "2026-05-01T00:00:00Z", "2026-05-01T00:00:00Z"),  # dated at the revocation
    ("2026-04-01T00:00:00Z", "2026-05-01T00:00:00Z", "2026-05-01T00:00:00Z"),  # new key starts at it
    ("2026-04-01T00:00:00Z", "2026-03-01T00:00:00Z", "2026-04-15T00:00:00Z"),  # new key back-dated
])
def test_2_the_rotation_thief_is_refused(rotated_at, next_from, until):
    reg = revoked_registry()
    env = rotation("k1", K1, "k3", THIEF, rotated_at, next_from, until)
    for call in (reg.verify_rotation, reg.apply_rotation):
        with pytest.raises(tc.RegistryError) as e:
            call(env)
        assert e.value.code == "invalid_rotation"
    assert reg.signer_ids() == ["k1"]


def test_2_a_successor_of_a_revoked_key_is_refused_after_the_revocation():
    reg = revoked_registry()
    # A rotation wholly before the revocation is accepted (the thief could
    # sign there with k1 itself), but its successor inherits the revocation.
    reg.apply_rotation(rotation("k1", K1, "k3", THIEF, "2026-04-01T00:00:00Z",
                                "2026-04-01T00:00:00Z", REVOKED))
    assert reg.get("k3")["rotatedFrom"] == "k1"
    assert reg.key_for("k3", "2026-04-15T00:00:00Z") == THIEF.public_key()
    for at in (REVOKED, "2029-01-01T00:00:00Z"):
        with pytest.raises(tc.RegistryError) as e:
            reg.key_for("k3", at)
        assert e.value.code == "signer_revoked"
    # Rows the successor signs years after the revocation do not verify.
    w = tc.ChainWriter("k3", THIEF.public_key())
    row = w.append({"id": "6f1c2a4e-0000-4000-8000-000000000001", "ts": "2029-01-01T00:00:00Z",
                    "event_type": "t", "actor": "a", "payload": None}, THIEF)
    report = tc.verify_jsonl(row, reg)
    assert [b["reason"] for b in report["breaks"]] == ["signer_revoked"]
    # The lineage survives a round trip through the signers file.
    again = tc.SignerRegistry.from_json(reg.to_json())
    assert [b["reason"] for b in tc.verify_jsonl(row, again)["breaks"]] == ["signer_revoked"]


# ---- 3. Huge or lying lengths: refused fast, never an abort -----------------


def test_3_huge_and_lying_lengths_fail_fast_in_a_child_process():
    code = r'''
        import sys, time, itertools
        import trustcore as tc

        class Lying:
            """Claims a length no machine holds; yields two junk items."""
            def __len__(self):
                return sys.maxsize
            def __length_hint__(self):
                return sys.maxsize
            def __iter__(self):
                return iter([object(), object()])
            def __getitem__(self, i):
                if i < 2:
                    return object()
                raise IndexError(i)

        def forever():
            while True:
                yield 12345

        key = tc.SecretKey.from_bytes(bytes([7]) * 32)
        reg = tc.SignerRegistry.from_json(
            '{"signers":[{"signerId":"s","publicKey":"%s"}]}' % key.public_key().to_base64())
        tree = tc.MerkleTree([bytes(32)] * 4)
        cp = tc.Checkpoint("log", 4, tree.root())
        ps = tc.PolicySet.from_dict({"type": "trustcore.policy-set/v1", "defaultDecision": "allow", "policies": []})
        leaf = tc.leaf_hash(bytes(32))
        calls = {
            "replay": lambda a: tc.replay(a),
            "MerkleTree": lambda a: tc.MerkleTree(a),
            "verify_inclusion": lambda a: tc.verify_inclusion(leaf, 0, 4, a, tree.root()),
            "verify_consistency": lambda a: tc.verify_consistency(2, 4, tree.root_at(2), tree.root(), a),
            "check_extension": lambda a: tc.check_extension(cp, 4, tree.root(), a),
            "Frontier.from_parts": lambda a: tc.Frontier.from_parts(4, a),
            "Checkpoint": lambda a: tc.Checkpoint("log", 4, tree.root(), a),
            "Checkpoint.sign": lambda a: cp.sign(a),
            "open_checkpoint": lambda a: tc.open_checkpoint("log\n4\n\n", a),
            "verify_event_in_checkpoint": lambda a: tc.verify_event_in_checkpoint("{}", 0, a, "x", [], reg),
            "impact": lambda a: tc.impact(ps, ps, a),
            "canonicalize": lambda a: tc.canonicalize(a),
            "canonicalize nested": lambda a: tc.canonicalize([[[a]]]),
            "Envelope.create": lambda a: tc.Envelope.create("k", {"x": [a]}),
            "evaluate": lambda a: tc.evaluate(ps, {"action": "x", "l": [a]}),
            "canary_bucket": lambda a: tc.canary_bucket([a]),
        }
        args = {
            "lying": Lying(),
            "range": range(2**62),
            "forever": forever(),
            "repeat": itertools.repeat(None),
            "long list of junk": [object()] * 10**6,
        }
        for name, call in calls.items():
            for what, arg in args.items():
                t0 = time.monotonic()
                try:
                    call(arg)
                except (TypeError, tc.TrustcoreError) as e:
                    pass
                else:
                    raise SystemExit(f"{name}({what}) accepted")
                dt = time.monotonic() - t0
                assert dt < 1.0, f"{name}({what}) took {dt:.2f}s"
                if what in ("forever", "repeat"):
                    args[what] = forever() if what == "forever" else itertools.repeat(None)
        print("ok", len(calls) * len(args))
    '''
    rc, out, err = run_child(code)
    assert rc == 0, err
    assert out.startswith("ok")


# ---- 4. The break list is bounded; memory is flat ---------------------------


def test_4_twenty_megabytes_of_garbage_verify_in_flat_memory(tmp_path):
    path = tmp_path / "garbage.jsonl"
    line = b"not a row, just garbage " + b"x" * 75 + b"\n"  # 100 bytes
    rows = 20 * 1024 * 1024 // len(line)
    path.write_bytes(line * rows)
    code = f'''
        import resource, sys, trustcore as tc
        reg = tc.SignerRegistry.from_json('{{"signers":[]}}')
        r = tc.verify_file({str(path)!r}, reg)
        v = tc.ChainVerifier(reg, max_breaks=10)
        with open({str(path)!r}, "rb") as f:
            while chunk := f.read(1 << 16):
                v.feed(chunk)
        s = v.finish()
        # VmHWM is this process's own peak: Linux keeps ru_maxrss across
        # fork+exec, so it would report the (large) pytest parent's peak.
        rss = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:")) // 1024
        print(len(r["breaks"]), r["break_count"], r["rows"], r["break_counts"]["malformed_row"],
              len(s["breaks"]), s["break_count"], rss)
    '''
    t0 = time.monotonic()
    rc, out, err = run_child(code)
    assert rc == 0, err
    kept, count, read, malformed, kept10, count10, rss_mb = map(int, out.split())
    assert (kept, count, read, malformed) == (1000, rows, rows, rows)
    assert (kept10, count10) == (10, rows)
    assert rss_mb < 150, f"peak RSS {rss_mb} MB"
    assert time.monotonic() - t0 < 60


def test_4_max_breaks_bounds_and_counts():
    text = "\n".join(["{}"] * 50)
    r = tc.verify_jsonl(text, REG, max_breaks=3)
    assert len(r["breaks"]) == 3 and r["break_count"] == 50 and r["count"] == 0
    assert r["break_counts"] == {"malformed_row": 50}
    assert tc.verify_jsonl(text, REG, max_breaks=0)["breaks"] == []


# ---- 5. An edited resume state is refused -----------------------------------


def recheck(state):
    """The state's `check` recomputed, as anyone editing a state could."""
    body = {k: v for k, v in state.items() if k != "check"}
    return dict(state, check="sha256:" + hashlib.sha256(tc.canonicalize(body)).hexdigest())


def test_5_the_edited_state_stopped_with_no_breaks_is_refused():
    w = tc.ChainWriter("s1", SK.public_key())
    rows = [w.append(body(i, "x"), SK) for i in (1, 2, 3)]
    v = tc.ChainVerifier(REG)
    v.feed("\n".join(rows[:2]) + "\n")
    state = v.state()
    assert tc.ChainVerifier.resume(REG, state).finish()["valid"]
    edits = [
        {"stopped": True},  # the reproducer
        {"stopped": True, "breaks": 0},
        {"count": 5},  # more accepted than read
        {"breaks": 1},  # counters that do not add up
        {"break_counts": {"truncated": 1}, "breaks": 1},
        {"position": 1},
        {"hash_alg": "blake3"},
    ]
    for edit in edits:
        for edited in (dict(state, **edit), recheck(dict(state, **edit))):
            with pytest.raises(tc.ChainError) as e:
                tc.ChainVerifier.resume(REG, edited)
            assert e.value.code == "invalid_state", edit
    # v1 states (no integrity check) are refused too.
    with pytest.raises(tc.ChainError) as e:
        tc.ChainVerifier.resume(REG, dict(state, type="trustcore.chain-verifier-state/v1"))
    assert e.value.code == "invalid_state"
    # Garbage after an impossible head cannot come out valid.
    with pytest.raises(tc.ChainError):
        tc.ChainVerifier.resume(REG, recheck(dict(state, stopped=True)),
                                expected_head={"hash": "ab" * 32, "seq": 99})


# ---- 6. Misspelled options are refused ----------------------------------------


def test_6_misspelled_options_are_refused_with_a_hint():
    w = tc.ChainWriter("s1", SK.public_key())
    rows = [w.append(body(i, "x"), SK) for i in (1, 2, 3)]
    truncated = "\n".join(rows[:2])
    with pytest.raises(tc.OptionsError) as e:
        tc.verify_jsonl(truncated, REG, expectedHead=w.head)
    assert e.value.code == "unknown_option"
    assert 'did you mean "expected_head"' in str(e.value)
    assert isinstance(e.value, tc.TrustcoreError)
    assert not tc.verify_jsonl(truncated, REG, expected_head=w.head)["valid"]
    for call in (
        lambda: tc.ChainVerifier(REG, stop_at_frist=True),
        lambda: tc.ChainVerifier.resume(REG, {}, trackIds=False),
        lambda: tc.ChainVerifier.from_head(REG, w.head, maxBreaks=1),
        lambda: tc.ChainWriter("s1", SK.public_key(), hashAlg="blake3"),
        lambda: tc.canonicalize({}, maxDepth=3),
        lambda: tc.verify_file("/nonexistent", REG, expectedHead=w.head),
    ):
        with pytest.raises(tc.OptionsError) as e:
            call()
        assert e.value.code == "unknown_option"


# ---- 7. Policy evaluation is bounded ------------------------------------------


def kernel_set(condition=None, actions=None):
    p = {"id": "allocate.limit", "version": 1, "state": "active", "mode": "enforce",
         "severity": "high", "target": {"actions": actions or ["POST /kernel/allocate"]},
         "condition": condition or {"op": "gt", "path": "/body/amount", "value": 1000},
         "effect": "deny", "rationale": "allocations above 1000 need review"}
    return {"type": "trustcore.policy-set/v1", "defaultDecision": "allow", "policies": [p]}


def timed(f):
    t0 = time.monotonic()
    out = f()
    return out, time.monotonic() - t0


def test_7_policy_limits_give_their_codes_quickly():
    ps = tc.PolicySet.from_dict(kernel_set())
    big = {"action": "POST /kernel/allocate", "body": {"blob": "x" * (1 << 20)}}
    for req in (big, json.dumps(big), json.dumps(big).encode()):
        with pytest.raises(tc.PolicyError) as e:
            timed(lambda: tc.evaluate(ps, req))
        assert e.value.code == "request_too_large"
    with pytest.raises(tc.PolicyError) as e:
        tc.evaluate(ps, {"action": "POST /" + "a" * 5000})
    assert e.value.code == "invalid_request"
    with pytest.raises(tc.PolicyError) as e:
        tc.PolicySet.from_dict(kernel_set(actions=["*" + "?a" * 200]))
    assert e.value.code == "invalid_policy"
    # A general glob over a long value: evaluation_limit, denied, quickly.
    glob = {"op": "glob", "path": "/body/note", "value": "*" + "a?" * 100 + "*b"}
    ps = tc.PolicySet.from_dict(kernel_set(condition=glob))
    req = {"action": "POST /kernel/allocate", "subject": {"id": "u", "roles": ["Operator"]},
           "body": {"amount": 1, "note": "a" * 900_000}}
    d, dt = timed(lambda: tc.evaluate(ps, req))
    assert d["decision"] == "deny" and dt < 2
    assert d["policyChecks"][0]["error"]["code"] == "evaluation_limit"
    # Evidence of 50,000 distinct pointers: linear, not quadratic.
    leaves = [{"op": "exists", "path": f"/body/f{i}"} for i in range(50_000)]
    ps = tc.PolicySet.from_dict(kernel_set(condition={"any": leaves}))
    d, dt = timed(lambda: tc.evaluate(ps, {"action": "POST /kernel/allocate", "body": {}}))
    assert dt < 3, dt


# ---- 8. Low findings -------------------------------------------------------------


LONE = "\ud800"


def test_8_lone_surrogates_in_str_arguments_are_lone_surrogate():
    pem = SK.public_key().to_pem()
    reg = registry_of(entry("s1", SK))
    calls = [
        lambda: tc.Envelope.create("kind" + LONE, {}),
        lambda: tc.Envelope.from_text("kind" + LONE, "{}"),
        lambda: tc.Checkpoint.parse("log\n1\n" + LONE + "\n"),
        lambda: tc.Checkpoint("log" + LONE, 1, bytes(32)),
        lambda: tc.Checkpoint("log", 1, bytes(32), ["ext" + LONE]),
        lambda: tc.VerifierKey.parse("name" + LONE + "+00000000+AA=="),
        lambda: tc.VerifierKey("name" + LONE, SK.public_key()),
        lambda: tc.PublicKey.from_pem(pem[:-10] + LONE + pem[-9:]),
        lambda: tc.PublicKey.from_hex("00" * 31 + LONE),
        lambda: tc.PublicKey.from_base64(LONE),
        lambda: tc.SecretKey.from_hex(LONE),
        lambda: tc.SecretKey.from_pem(LONE),
        lambda: reg.key_for("s1" + LONE, "2026-01-01T00:00:00Z"),
        lambda: reg.key_for("s1", "2026-01-01T00:00:00Z" + LONE),
        lambda: reg.key_for("s1", "2026-01-01T00:00:00Z", alg="ed25519" + LONE),
        lambda: reg.get(LONE),
        lambda: tc.Envelope.create("k", {}).prepare("s" + LONE),
        lambda: tc.ChainWriter("s" + LONE, SK.public_key()),
        lambda: SK.public_key().to_jwk(kid=LONE),
        lambda: tc.digest(b"", "sha256" + LONE),
        lambda: tc.open_checkpoint("x", ["name" + LONE + "+00000000+AA=="]),
    ]
    for call in calls:
        with pytest.raises(tc.CanonicalJsonError) as e:
            call()
        assert e.value.code == "lone_surrogate"


def test_8_out_of_range_ints_have_codes():
    tree = tc.MerkleTree([bytes(32)] * 3)
    env = tc.Envelope.create("k", {})
    env.sign(SK, "s1")
    leaf = tc.leaf_hash(bytes(32))
    cases = [
        (lambda: tc.verify_inclusion(leaf, -1, 3, [], tree.root()), "index_out_of_range"),
        (lambda: tc.verify_inclusion(leaf, 0, 2**64, [], tree.root()), "invalid_tree_size"),
        (lambda: tree.root_at(2**100), "invalid_tree_size"),
        (lambda: tc.Checkpoint("log", 2**64, bytes(32)), "malformed_tree_size"),
        (lambda: tc.Frontier.from_parts(-3, []), "invalid_tree_size"),
        (lambda: env.verify(-1, SK.public_key()), "no_such_signature"),
        (lambda: env.signing_input_of(2**64), "no_such_signature"),
        (lambda: tc.verify_jsonl("", REG, threads=-1), "invalid_option"),
        (lambda: tc.verify_jsonl("", REG, max_breaks=2**40), "invalid_option"),
        (lambda: tc.canonicalize(1, max_depth=-(2**70)), "number_out_of_range"),
        (lambda: tc.verify_file("x", REG, chunk_size=-5), "invalid_option"),
    ]
    for call, code in cases:
        with pytest.raises(tc.TrustcoreError) as e:
            call()
        assert e.value.code == code


def test_8_finish_twice_is_a_chain_error():
    v = tc.ChainVerifier(REG)
    v.finish()
    with pytest.raises(tc.ChainError) as e:
        v.finish()
    assert e.value.code == "invalid_state" and e.value.message


def test_8_messages_quote_bounded_excerpts():
    key = "k" * (10 * 1024 * 1024)
    with pytest.raises(tc.CanonicalJsonError) as e:
        tc.canonicalize_text('{"%s":1,"%s":2}' % (key, key))
    assert e.value.code == "duplicate_key" and len(str(e.value)) < 2000
    with pytest.raises(tc.OptionsError) as e:
        tc.verify_jsonl("", REG, **{key: 1})
    assert len(str(e.value)) < 2000
    report = tc.verify_jsonl('{"a":"%s"}' % ("x" * 1_000_000), REG)
    assert len(report["breaks"][0]["message"]) < 2000


def test_8_an_empty_checkpoint_carries_the_empty_root():
    empty = tc.MerkleTree().root()
    tc.Checkpoint("log", 0, empty)
    with pytest.raises(tc.MerkleError) as e:
        tc.Checkpoint("log", 0, bytes(32))
    assert e.value.code == "invalid_root_hash"
    import base64
    text = "log\n0\n" + base64.b64encode(bytes(32)).decode() + "\n"
    with pytest.raises(tc.MerkleError) as e:
        tc.Checkpoint.parse(text)
    assert e.value.code == "invalid_root_hash"
    note = tc.Checkpoint("log", 0, empty).sign([("log", SK)])
    assert tc.open_checkpoint(note, [tc.VerifierKey("log", SK.public_key())])["checkpoint"]["size"] == 0
