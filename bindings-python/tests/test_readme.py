"""The README's Python examples run, in order, in one namespace."""

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_examples_run(capsys):
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)
    assert len(blocks) >= 8
    namespace = {"__name__": "readme"}
    for i, block in enumerate(blocks):
        code = compile(block, f"README.md python block {i}", "exec")
        exec(code, namespace)  # noqa: S102 (running the README is the point)
    out = capsys.readouterr().out
    assert "sha256:" in out and "SecretKey(public_key=" in out
    assert namespace["sk"].export_hex() not in out
