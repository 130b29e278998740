"""examples/python/verify_snapshot.py (#12, "Python verifies it with the
signers file"): a snapshot built and signed through the Python API as the
Node example does (a gzipped JSONL batch, signed through a KMS-like signer
in DIGEST mode, failing closed), written to files, then verified by the
example script in a child process; a tampered line in the .gz is named by
its line number and the script exits 1."""

import gzip
import json
import subprocess
import sys
from pathlib import Path

import trustcore as tc

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "python" / "verify_snapshot.py"
KMS_KEY = tc.SecretKey.from_bytes(bytes(range(32)))


def kms_sign(digest):
    """Stands in for a KMS Sign call with MessageType=DIGEST (Ed25519ph)."""
    assert len(digest) == 64
    return tc.sign_ed25519ph_digest(KMS_KEY, digest)


def build(tmp):
    b = tc.SnapshotBuilder()
    batch = tmp / "batch.jsonl.gz"
    with gzip.open(batch, "wb") as f:
        for i in range(1, 101):
            f.write(b.push({"trace_id": f"tr-{i:04d}", "ts": f"2026-03-01T12:{i // 60:02d}:{i % 60:02d}Z",
                            "steps": [{"tool": "search", "query": f"q{i}"}],
                            "annotations": {"score": i / 4}}))
    unsigned = b.finish("snap-0001", "2026-03-01T13:00:00Z")
    prepared = unsigned.prepare("kms-snapshots", "ed25519ph")
    snap = prepared.attach(kms_sign(prepared.message), KMS_KEY.public_key())
    (tmp / "snapshot.json").write_text(snap.to_json(), encoding="utf-8")
    (tmp / "signers.json").write_text(json.dumps({"signers": [
        {"signerId": "kms-snapshots", "publicKey": KMS_KEY.public_key().to_base64(),
         "algorithm": "ed25519ph"}]}), encoding="utf-8")
    return tmp / "snapshot.json", batch, tmp / "signers.json"


def run(*args):
    return subprocess.run([sys.executable, str(EXAMPLE), *map(str, args)], capture_output=True,
                          text=True, timeout=120)


def test_the_example_verifies_a_kms_signed_gzipped_snapshot(tmp_path):
    meta, batch, signers = build(tmp_path)
    p = run(meta, batch, signers)
    assert p.returncode == 0, p.stderr
    assert "OK: snapshot snap-0001: 100 records tr-0001..tr-0100 signed by kms-snapshots" in p.stdout
    assert json.loads(p.stdout[: p.stdout.rindex("}") + 1])["valid"] is True


def test_the_example_names_a_tampered_line_and_fails(tmp_path):
    meta, batch, signers = build(tmp_path)
    lines = gzip.decompress(batch.read_bytes()).split(b"\n")
    lines[41] = lines[41].replace(b'"tool":"search"', b'"tool":"search" ')
    with gzip.open(batch, "wb") as f:
        f.write(b"\n".join(lines))
    p = run(meta, batch, signers)
    assert p.returncode == 1
    assert "FAIL line 42: not_canonical" in p.stderr


def test_the_example_refuses_what_it_cannot_use(tmp_path):
    meta, batch, signers = build(tmp_path)
    assert run(meta, batch).returncode == 2
    assert run(meta, tmp_path / "missing.jsonl", signers).returncode == 2
    (tmp_path / "bad.json").write_text("{}", encoding="utf-8")
    p = run(tmp_path / "bad.json", batch, signers)
    assert p.returncode == 2 and "invalid_metadata" in p.stderr
