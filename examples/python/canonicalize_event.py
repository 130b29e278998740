"""Canonicalizes and digests the sample audit event with the Python package.

python examples/python/canonicalize_event.py examples/audit_event.json
"""
import json
import sys

import trustcore

path = sys.argv[1] if len(sys.argv) > 1 else "examples/audit_event.json"
with open(path, "rb") as f:
    text = f.read()
data = trustcore.canonicalize_text(text)
# The value path gives the same bytes as the text path.
assert data == trustcore.canonicalize(json.loads(text)), "value path differs"
print(f"python  {data.decode('utf-8')}")
print(f"python  {trustcore.digest(data, 'sha256')}")
print(f"python  {trustcore.digest(data, 'blake3')}")
