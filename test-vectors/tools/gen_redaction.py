#!/usr/bin/env python3
"""Writes ../redaction.json: redaction policies (loaded and refused with
code and JSON Pointer), every detector's edges, redactions of nested
objects, arrays and annotations under each selector and action, pseudonyms
under given keys, salted commitments, commitment forms with their
disclosures, disclosure subsets and every RFC 9901 refusal, and
commitment-form snapshots whose redacted views still verify (format:
../README.md).

Independent of trustcore, written from docs/redaction.md (and
docs/snapshots.md, through gen_snapshots.py's builder, signer and
verifier): canonical JSON by PyPI `rfc8785`, HMAC-SHA-256 and SHA-256 by
the standard library, the policy loader, detectors, walker and disclosure
reader below. Keys are fixed here (no randomness).

    /tmp/tvenv/bin/python test-vectors/tools/gen_redaction.py
"""

import base64
import calendar  # noqa: F401  (gen_snapshots uses it)
import hashlib
import hmac
import json
import os
import re
import sys

sys.dont_write_bytecode = True  # the vector check diffs the folder: no __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_snapshots as snap  # noqa: E402

import rfc8785  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "redaction.json")
POLICY_TYPE = "trustcore.redaction-policy/v1"
RECORD_TYPE = "trustcore.redaction-record/v1"


def canon(v):
    return rfc8785.dumps(v)


def b64url(b):
    return base64.urlsafe_b64encode(b).decode().rstrip("=")


def sha256_named(b):
    return "sha256:" + hashlib.sha256(b).hexdigest()


def utf16_key(s):
    return s.encode("utf-16-be")


def is_control(c):
    o = ord(c)
    return o < 0x20 or 0x7F <= o < 0xA0


def pointer_of(path):
    return "".join("/" + str(t).replace("~", "~0").replace("/", "~1") for t in path)


# ---- the policy loader (docs/redaction.md, "Loading") ------------------------------

class PolicyError(Exception):
    def __init__(self, code, path):
        super().__init__("%s at %s" % (code, path))
        self.code, self.path = code, path


def normalize(name):
    return "".join(c.lower() for c in name if c not in "_- ")


DETECTORS = ["email", "phone", "ipv4", "ipv6", "card", "iban"]


def _text(m, at, name, mx):
    s = m.get(name)
    if isinstance(s, str) and s and len(s) <= mx and not any(is_control(c) for c in s):
        return s
    raise PolicyError("invalid_policy", "%s/%s" % (at, name))


def _allowed(m, at, names):
    for k in sorted(m, key=lambda k: k.encode("utf-8")):
        if k not in names:
            raise PolicyError("invalid_policy", at + pointer_of([k]))


def _is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def _pattern(p, at):
    if not p.startswith("/"):
        raise PolicyError("invalid_policy", at)
    out = []
    for raw in p.split("/")[1:]:
        if raw == "*":
            t = ("one",)
        elif raw == "**":
            t = ("any",)
        else:
            lit, i = "", 0
            while i < len(raw):
                c = raw[i]
                if c == "~":
                    nxt = raw[i + 1] if i + 1 < len(raw) else ""
                    if nxt not in ("0", "1", "2"):
                        raise PolicyError("invalid_policy", at)
                    lit += {"0": "~", "1": "/", "2": "*"}[nxt]
                    i += 2
                else:
                    lit += c
                    i += 1
            t = ("lit", lit)
        if not (t == ("any",) and out and out[-1] == ("any",)):
            out.append(t)
    if sum(1 for t in out if t == ("any",)) > 4 or len(out) > 128:
        raise PolicyError("invalid_policy", at)
    return out


def load_policy(doc):
    """The rules of a policy document, or PolicyError."""
    if not isinstance(doc, dict):
        raise PolicyError("invalid_policy", "")
    t = doc.get("type")
    if t != POLICY_TYPE:
        if isinstance(t, str) and t.startswith("trustcore.redaction-policy/"):
            raise PolicyError("unsupported_policy_version", "/type")
        raise PolicyError("invalid_policy", "/type")
    _allowed(doc, "", {"type", "id", "version", "rules", "marker"})
    _text(doc, "", "id", 128)
    v = doc.get("version")
    if not (_is_int(v) and 1 <= v < 2**53):
        raise PolicyError("invalid_policy", "/version")
    marker = _text(doc, "", "marker", 256) if "marker" in doc else "[REDACTED]"
    rules_doc = doc.get("rules")
    if not (isinstance(rules_doc, list) and 1 <= len(rules_doc) <= 256):
        raise PolicyError("invalid_policy", "/rules")
    rules = []
    for i, r in enumerate(rules_doc):
        at = "/rules/%d" % i
        if not isinstance(r, dict):
            raise PolicyError("invalid_policy", at)
        _allowed(r, at, {"id", "select", "action", "class", "marker", "keep"})
        rid = _text(r, at, "id", 128)
        if any(x["id"] == rid for x in rules):
            raise PolicyError("invalid_policy", at + "/id")
        sat = at + "/select"
        sel = r.get("select")
        if not isinstance(sel, dict):
            raise PolicyError("invalid_policy", sat)
        _allowed(sel, sat, {"pointer", "keys", "detect"})
        if len(sel) != 1:
            raise PolicyError("invalid_policy", sat)
        rule = {"id": rid}
        if "pointer" in sel:
            if not isinstance(sel["pointer"], str):
                raise PolicyError("invalid_policy", sat + "/pointer")
            rule["pattern"] = _pattern(sel["pointer"], sat + "/pointer")
            default_class = "pii"
        elif "keys" in sel:
            ks = sel["keys"]
            if not (isinstance(ks, list) and 1 <= len(ks) <= 256):
                raise PolicyError("invalid_policy", sat + "/keys")
            for j, k in enumerate(ks):
                if not (isinstance(k, str) and normalize(k)):
                    raise PolicyError("invalid_policy", "%s/keys/%d" % (sat, j))
            rule["keys"] = [normalize(k) for k in ks]
            default_class = "pii"
        else:
            d = sel["detect"]
            if d not in DETECTORS:
                raise PolicyError("invalid_policy", sat + "/detect")
            rule["detect"] = d
            default_class = d
        action = r.get("action")
        if action == "replace":
            rule["marker"] = _text(r, at, "marker", 256) if "marker" in r else marker
        elif action == "mask":
            if "keep" in r:
                k = r["keep"]
                if not (_is_int(k) and 0 <= k <= 64):
                    raise PolicyError("invalid_policy", at + "/keep")
                rule["keep"] = k
            else:
                rule["keep"] = 4
        elif action not in ("remove", "pseudonymize"):
            raise PolicyError("invalid_policy", at + "/action")
        if "marker" in r and action != "replace":
            raise PolicyError("invalid_policy", at + "/marker")
        if "keep" in r and action != "mask":
            raise PolicyError("invalid_policy", at + "/keep")
        rule["action"] = action
        rule["class"] = _text(r, at, "class", 64) if "class" in r else default_class
        rules.append(rule)
    return {"doc": doc, "rules": rules, "digest": sha256_named(canon(doc))}


# ---- detectors (docs/redaction.md, "Detectors") --------------------------------------

DIGITS = "0123456789"
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
HEXD = DIGITS + "ABCDEFabcdef"
LOCAL = LETTERS + DIGITS + "!#$%&'*+/=?^_`{|}~-."


def email(s):
    if len(s.encode("utf-8")) > 254 or any(ord(c) > 127 for c in s) or s.count("@") != 1:
        return False
    local, domain = s.split("@")
    if not (1 <= len(local) <= 64) or local[0] == "." or local[-1] == "." or ".." in local:
        return False
    if any(c not in LOCAL for c in local):
        return False
    labels = domain.split(".")
    if len(labels) < 2:
        return False
    for lab in labels:
        if not (1 <= len(lab) <= 63) or lab[0] == "-" or lab[-1] == "-":
            return False
        if any(c not in LETTERS + DIGITS + "-" for c in lab):
            return False
    return len(labels[-1]) >= 2 and all(c in LETTERS for c in labels[-1])


def phone(s):
    return bool(re.fullmatch(r"\+[1-9][0-9]{7,14}", s)) and "\n" not in s


def ipv4(s):
    parts = s.split(".")
    return len(parts) == 4 and all(
        1 <= len(p) <= 3 and all(c in DIGITS for c in p) and (len(p) == 1 or p[0] != "0") and int(p) <= 255
        for p in parts)


def ipv6(s):
    if not s or len(s) > 45:
        return False
    last = s.rfind(":")
    v4 = last >= 0 and "." in s[last + 1:]
    if v4:
        if not ipv4(s[last + 1:]):
            return False
        head = s[:last + 1]
    else:
        head = s
    want = 6 if v4 else 8

    def count(part):
        if part == "":
            return 0
        gs = part.split(":")
        if all(1 <= len(g) <= 4 and all(c in HEXD for c in g) for g in gs):
            return len(gs)
        return None

    n = head.count("::")
    if n == 0:
        if v4:
            head = head[:-1]  # the ':' before the IPv4
        return count(head) == want
    if n > 1:
        return False
    left, right = head.split("::", 1)
    if left.endswith(":") or left.startswith(":") or right.startswith(":"):
        return False
    if v4:
        if right:
            right = right[:-1]
    elif right.endswith(":"):
        return False
    a, b = count(left), count(right)
    return a is not None and b is not None and a + b < want


def luhn(digits):
    total = 0
    for i, d in enumerate(reversed(digits)):
        x = int(d)
        if i % 2 == 1:
            x *= 2
            if x > 9:
                x -= 9
        total += x
    return total % 10 == 0


def card(s):
    sep = " " if " " in s else ("-" if "-" in s else None)
    if sep is None:
        if any(c not in DIGITS for c in s):
            return False
        digits = s
    else:
        groups = s.split(sep)
        if any(not g or any(c not in DIGITS for c in g) for g in groups):
            return False
        digits = "".join(groups)
    return 13 <= len(digits) <= 19 and luhn(digits)


def iban(s):
    if " " in s:
        groups = s.split(" ")
        if any(len(g.encode("utf-8")) != 4 for g in groups[:-1]) or not (1 <= len(groups[-1].encode("utf-8")) <= 4):
            return False
        s = "".join(groups)
    upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    if not (15 <= len(s.encode("utf-8")) <= 34) or any(ord(c) > 127 for c in s):
        return False
    if not (all(c in upper for c in s[:2]) and all(c in DIGITS for c in s[2:4])
            and all(c in upper + DIGITS for c in s[4:])):
        return False
    number = "".join(str(int(c, 36)) for c in s[4:] + s[:4])
    return int(number) % 97 == 1


DETECT = {"email": email, "phone": phone, "ipv4": ipv4, "ipv6": ipv6, "card": card, "iban": iban}


# ---- applying a policy (docs/redaction.md, "Selectors", "Actions") ----------------------

def matches(pat, path):
    if not pat:
        return not path
    t, rest = pat[0], pat[1:]
    if t == ("any",):
        return any(matches(rest, path[k:]) for k in range(len(path) + 1))
    if not path:
        return False
    ok = t == ("one",) or t[1] == path[0]
    return ok and matches(rest, path[1:])


def rule_for(policy, path, name, value):
    for r in policy["rules"]:
        if "pattern" in r:
            if matches(r["pattern"], path):
                return r
        elif "keys" in r:
            if name is not None and normalize(name) in r["keys"]:
                return r
        elif isinstance(value, str) and DETECT[r["detect"]](value):
            return r
    return None


def salt(key, pointer):
    return hmac.new(key, b"trustcore.redaction-salt/v1\x00" + pointer.encode("utf-8"), hashlib.sha256).digest()[:16]


def commitment(salt_bytes, pointer, value):
    return sha256_named(canon([b64url(salt_bytes), pointer, value]))


def mask(v, keep):
    if isinstance(v, str):
        text = v
    elif isinstance(v, (list, dict)):
        return "****"
    else:
        text = canon(v).decode()
    shown = min(keep, len(text))
    return "*" * (len(text) - shown) + text[len(text) - shown:]


def pseudonym(key, v):
    return "pseud:" + b64url(hmac.new(key, b"trustcore.pseudonym/v1\x00" + canon(v), hashlib.sha256).digest()[:16])


class RedactError(Exception):
    def __init__(self, code):
        super().__init__(code)
        self.code = code


def redact(doc, policy, salt_key, pseudonym_key=None):
    if len(salt_key) != 32 or (pseudonym_key is not None and len(pseudonym_key) != 32):
        raise RedactError("missing_key")
    if any(r["action"] == "pseudonymize" for r in policy["rules"]) and pseudonym_key is None:
        raise RedactError("missing_key")
    if not isinstance(doc, dict):
        raise RedactError("invalid_document")  # the root is an object (docs/redaction.md, "Edges")
    entries = []

    def node(v, path, name):
        r = rule_for(policy, path, name, v)
        if r is None:
            return True, children(v, path)
        p = pointer_of(path)
        entries.append({"pointer": p, "rule": r["id"], "class": r["class"], "action": r["action"],
                        "commitment": commitment(salt(salt_key, p), p, v)})
        a = r["action"]
        if a == "remove":
            return False, None
        if a == "replace":
            return True, r["marker"]
        if a == "mask":
            return True, mask(v, r["keep"])
        return True, pseudonym(pseudonym_key, v)

    def children(v, path):
        if isinstance(v, dict):
            out = {}
            for k in sorted(v, key=utf16_key):
                keep, c = node(v[k], path + [k], k)
                if keep:
                    out[k] = c
            return out
        if isinstance(v, list):
            out = []
            for i, x in enumerate(v):
                keep, c = node(x, path + [str(i)], None)
                if keep:
                    out.append(c)
            return out
        return v

    out = children(doc, [])
    red = canon(out)
    record = {"type": RECORD_TYPE,
              "policy": {"id": policy["doc"]["id"], "version": policy["doc"]["version"], "digest": policy["digest"]},
              "original": sha256_named(canon(doc)), "redacted": sha256_named(red), "redactions": entries}
    return red, record


def proves(entry, value, salt_key):
    p = entry["pointer"]
    return entry["commitment"] == commitment(salt(salt_key, p), p, value)


# ---- commitment form (docs/redaction.md, "Commitment form") -----------------------------

def digest_of(disclosure):
    return b64url(hashlib.sha256(disclosure.encode("ascii")).digest())


def disclosure_of(parts):
    return b64url(canon(parts))


def reserved(v):
    """RFC 9901's reserved shapes anywhere in v, hidden or not: an object
    with an _sd member, an array element that is an object with a ...
    member (docs/redaction.md, "Edges")."""
    if isinstance(v, dict):
        return "_sd" in v or any(reserved(x) for x in v.values())
    if isinstance(v, list):
        return any((isinstance(x, dict) and "..." in x) or reserved(x) for x in v)
    return False


def commit(doc, policy, salt_key):
    if not isinstance(doc, dict) or reserved(doc):
        raise RedactError("invalid_document")
    disclosures = []

    def children(v, path):
        if isinstance(v, dict):
            out, digests = {}, []
            for k in sorted(v, key=utf16_key):
                p = path + [k]
                if rule_for(policy, p, k, v[k]) is not None:
                    d = disclosure_of([b64url(salt(salt_key, pointer_of(p))), k, v[k]])
                    digests.append(digest_of(d))
                    disclosures.append(d)
                else:
                    out[k] = children(v[k], p)
            if digests:
                out["_sd"] = sorted(digests)
            return out
        if isinstance(v, list):
            out = []
            for i, x in enumerate(v):
                p = path + [str(i)]
                if rule_for(policy, p, None, x) is not None:
                    d = disclosure_of([b64url(salt(salt_key, pointer_of(p))), x])
                    out.append({"...": digest_of(d)})
                    disclosures.append(d)
                else:
                    out.append(children(x, p))
            return out
        return v

    return children(doc, []), disclosures


def read_disclosure(d):
    if not re.fullmatch(r"[A-Za-z0-9_-]*", d) or len(d) % 4 == 1:
        raise RedactError("invalid_disclosure")
    raw = base64.urlsafe_b64decode(d + "=" * (-len(d) % 4))
    if b64url(raw) != d:
        raise RedactError("invalid_disclosure")  # non-zero unused bits
    try:
        v = snap.strict(raw)
    except snap.NotJson:
        raise RedactError("invalid_disclosure")
    if not isinstance(v, list):
        raise RedactError("invalid_disclosure")
    if not (v and isinstance(v[0], str) and len(v[0].encode("utf-8")) >= 16):
        raise RedactError("invalid_disclosure")
    if len(v) == 2:
        return None, v[1]
    if len(v) == 3:
        if v[1] in ("_sd", "..."):
            raise RedactError("claim_collision")
        if not isinstance(v[1], str):
            raise RedactError("invalid_disclosure")
        return v[1], v[2]
    raise RedactError("invalid_disclosure")


def pointer(path):
    return "".join("/" + (str(t) if isinstance(t, int) else t.replace("~", "~0").replace("/", "~1")) for t in path)


def doc_order(path):
    # A node before its children, members in UTF-16 order, elements by index.
    return tuple((1, t) if isinstance(t, int) else (0, t.encode("utf-16-be")) for t in path)


def disclose_report(committed, disclosures):
    """The view, the pointers of the values disclosures brought back, and
    the nodes that keep unopened digests (pointer, how many)."""
    by_digest = {}
    for d in disclosures:
        parsed = read_disclosure(d)
        if digest_of(d) in by_digest:
            raise RedactError("duplicate_digest")
        by_digest[digest_of(d)] = parsed
    seen = set()
    opened, hidden = [], []

    def met(dg):
        if dg in seen:
            raise RedactError("duplicate_digest")
        seen.add(dg)

    def walk(v, path):
        if isinstance(v, dict):
            out = {}
            for k in sorted((k for k in v if k != "_sd"), key=lambda k: k.encode("utf-8")):
                out[k] = walk(v[k], path + [k])
            if "_sd" in v:
                if not isinstance(v["_sd"], list):
                    raise RedactError("invalid_disclosure")
                left = 0
                for dg in v["_sd"]:
                    if not isinstance(dg, str):
                        raise RedactError("invalid_disclosure")
                    met(dg)
                    if dg in by_digest:
                        name, value = by_digest.pop(dg)
                        if name is None:
                            raise RedactError("invalid_disclosure")
                        if name in out:
                            raise RedactError("claim_collision")
                        opened.append(path + [name])
                        out[name] = walk(value, path + [name])
                    else:
                        left += 1
                if left:
                    hidden.append((path, left))
            return out
        if isinstance(v, list):
            out = []
            left = 0
            for x in v:
                if isinstance(x, dict) and len(x) == 1 and isinstance(x.get("..."), str):
                    dg = x["..."]
                    met(dg)
                    if dg in by_digest:
                        name, value = by_digest.pop(dg)
                        if name is not None:
                            raise RedactError("invalid_disclosure")
                        opened.append(path + [len(out)])
                        out.append(walk(value, path + [len(out)]))
                    else:
                        left += 1
                else:
                    out.append(walk(x, path + [len(out)]))
            if left:
                hidden.append((path, left))
            return out
        return v

    out = walk(committed, [])
    if by_digest:
        raise RedactError("unreferenced_disclosure")
    opened.sort(key=doc_order)
    hidden.sort(key=lambda h: doc_order(h[0]))
    return out, [pointer(p) for p in opened], [{"pointer": pointer(p), "digests": n} for p, n in hidden]


def disclose(committed, disclosures):
    return disclose_report(committed, disclosures)[0]


# ---- the cases ------------------------------------------------------------------------

def key(label):
    return hashlib.sha256(b"trustcore redaction key " + label.encode()).digest()


KEYS = {"salt": key("salt"), "salt-2": key("salt-2"), "pseudonym": key("pseudonym"), "pseudonym-2": key("pseudonym-2")}

POLICIES = {
    "external": {
        "type": POLICY_TYPE, "id": "traces-external", "version": 3,
        "rules": [
            {"id": "emails", "select": {"keys": ["email", "e_mail"]}, "action": "replace", "class": "email"},
            {"id": "phones", "select": {"detect": "phone"}, "action": "mask", "keep": 4},
            {"id": "queries", "select": {"pointer": "/steps/*/query"}, "action": "pseudonymize", "class": "query"},
            {"id": "secrets", "select": {"pointer": "/**/token"}, "action": "remove", "class": "secret"},
        ],
    },
    "detectors": {
        "type": POLICY_TYPE, "id": "every-detector", "version": 1, "marker": "<hidden>",
        "rules": [
            {"id": "d-email", "select": {"detect": "email"}, "action": "replace", "marker": "<email>"},
            {"id": "d-phone", "select": {"detect": "phone"}, "action": "mask"},
            {"id": "d-ipv4", "select": {"detect": "ipv4"}, "action": "pseudonymize"},
            {"id": "d-ipv6", "select": {"detect": "ipv6"}, "action": "remove"},
            {"id": "d-card", "select": {"detect": "card"}, "action": "mask", "keep": 4, "class": "pan"},
            {"id": "d-iban", "select": {"detect": "iban"}, "action": "replace"},
        ],
    },
    "patterns": {
        "type": POLICY_TYPE, "id": "pointer-patterns", "version": 2,
        "rules": [
            {"id": "ssn", "select": {"pointer": "/users/*/ssn"}, "action": "remove", "class": "ssn"},
            {"id": "passwords", "select": {"pointer": "/**/password"}, "action": "replace"},
            {"id": "blob", "select": {"pointer": "/blob/**"}, "action": "mask", "keep": 2},
            {"id": "star", "select": {"pointer": "/lit~2/x"}, "action": "replace", "marker": "*x*"},
            {"id": "escapes", "select": {"pointer": "/a~1b/~0c"}, "action": "remove"},
            {"id": "second", "select": {"pointer": "/list/1"}, "action": "pseudonymize"},
            {"id": "cells", "select": {"pointer": "/matrix/*/*"}, "action": "mask", "keep": 1},
            {"id": "deep", "select": {"pointer": "/**/deep/**/leaf"}, "action": "replace"},
        ],
    },
    "keys": {
        "type": POLICY_TYPE, "id": "member-classes", "version": 1,
        "rules": [
            {"id": "email", "select": {"keys": ["email", "e_mail"]}, "action": "replace", "class": "email"},
            {"id": "phone", "select": {"keys": ["Phone Number", "tel"]}, "action": "mask", "keep": 2, "class": "phone"},
            {"id": "ssn", "select": {"keys": ["SSN"]}, "action": "remove", "class": "ssn"},
            {"id": "dotted-i", "select": {"keys": ["\u0130D"]}, "action": "replace", "class": "id"},
            {"id": "sigma", "select": {"keys": ["\u03a3\u0391\u03a3"]}, "action": "replace", "class": "greek"},
        ],
    },
    "order": {
        "type": POLICY_TYPE, "id": "first-rule-wins", "version": 1,
        "rules": [
            {"id": "email-values", "select": {"detect": "email"}, "action": "mask", "keep": 3},
            {"id": "email-members", "select": {"keys": ["email"]}, "action": "remove"},
            {"id": "profile", "select": {"pointer": "/profile"}, "action": "replace"},
            {"id": "inside-profile", "select": {"pointer": "/profile/name"}, "action": "remove"},
        ],
    },
    "values": {
        "type": POLICY_TYPE, "id": "pseudonyms-and-masks", "version": 1,
        "rules": [
            {"id": "p", "select": {"pointer": "/p/*"}, "action": "pseudonymize"},
            {"id": "m0", "select": {"pointer": "/m0/*"}, "action": "mask", "keep": 0},
            {"id": "m4", "select": {"pointer": "/m4/*"}, "action": "mask"},
            {"id": "m64", "select": {"pointer": "/m64/*"}, "action": "mask", "keep": 64},
        ],
    },
    "indexes": {
        "type": POLICY_TYPE, "id": "plain-decimal-indexes", "version": 1,
        "rules": [
            {"id": "leading-zero", "select": {"pointer": "/a/01"}, "action": "remove"},
            {"id": "plus-sign", "select": {"pointer": "/a/+1"}, "action": "remove"},
            {"id": "padded-name", "select": {"pointer": "/o/01"}, "action": "replace"},
            {"id": "second", "select": {"pointer": "/a/1"}, "action": "replace", "marker": "<second>"},
        ],
    },
    "hide-all-emails": {
        "type": POLICY_TYPE, "id": "hide-emails", "version": 1,
        "rules": [{"id": "emails", "select": {"detect": "email"}, "action": "remove", "class": "email"},
                  {"id": "contact", "select": {"keys": ["contact"]}, "action": "remove"}],
    },
}


def trace(i, **over):
    v = {
        "trace_id": "tr-%04d" % i,
        "ts": "2026-03-01T12:%02d:%02dZ" % (i // 60, i % 60),
        "steps": [{"tool": "search", "query": "q%d" % (i % 3)},
                  {"tool": "answer", "user": {"email": "ann@example.com"}, "auth": {"token": "s3cr3t-%d" % i}}],
        "annotations": {"reviewer": {"Email": "rev%d@example.org" % i, "phone": "+1415555%04d" % i},
                        "notes": [{"text": "call +14155550123"}, "+442071838750", {"token": "t"}]},
    }
    v.update(over)
    return v


DOCUMENTS = {
    "trace": trace(3),
    "detectors": {
        "contacts": [{"v": "a@b.co"}, "+14155550123", ["10.0.0.1", "2001:db8::1", "::ffff:192.0.2.1"]],
        "annotations": {"card": "4111 1111 1111 1111", "iban": "GB82 WEST 1234 5698 7654 32",
                        "not-card": "4111111111111112", "not-email": "a@b", "not-ip": "256.1.1.1"},
        "number": 4111111111111111,
        "nested": {"deeper": {"deepest": [[["DE89370400440532013000"]]]}},
        "spaced": " a@b.co",
    },
    "patterns": {
        "users": [{"name": "a", "ssn": "123-45-6789"}, {"name": "b", "ssn": "987-65-4321", "password": "pw1"}],
        "password": "top-level",
        "config": {"db": {"password": "pw2"}},
        "blob": {"x": 1, "y": [1, 2]},
        "*": {"x": "literal star", "y": "kept"},
        "a/b": {"~c": "escaped", "c": "kept"},
        "list": ["zero", "one", "two"],
        "matrix": [[1, 22, 333], ["ab", True, None]],
        "tree": {"deep": {"leaf": "l1", "mid": {"leaf": "l2"}}, "leaf": "not under deep"},
    },
    "keys": {
        "Email": "x@example.com", "E-MAIL": "y@example.com", "e_mail": "z",
        "contact": {"phone_number": "+14155550123", "PHONE-NUMBER": 14155550123, "Tel": ["+1", "+2"]},
        "ssn": {"value": "123-45-6789"},
        "\u0130D": "dotted", "id": "plain", "iD": "mixed",
        "\u03a3\u0391\u03a3": "upper", "\u03c3\u03b1\u03c2": "final sigma",
        "list": [{"email": "in-array@example.com"}, "email"],
    },
    "order": {
        "email": "ann@example.com", "contact": {"email": "not an address"},
        "profile": {"name": "Ann", "email": "ann@example.com"},
        "note": "bob@example.com",
    },
    "values": {
        "p": ["ann", "ann", 42, 42.0, None, True, {"b": 1, "a": [2]}, [1, "x"], "\u00e9"],
        "m0": ["secret", 12345, True],
        "m4": ["4111111111111111", "abc", "", "\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600", {"o": 1}, [1], -1.5e-7],
        "m64": ["short"],
    },
    "utf16-order": {"\ue000": "a@b.co", "\U0001F600": "c@d.co", "z": "e@f.co", "Z": "g@h.co"},
    "remove-in-array": {"list": ["a@b.co", "x", "c@d.co", "y", {"contact": "z"}]},
    "nothing-selected": {"a": [1, 2, {"b": "c"}], "d": "no address here"},
    "indexes": {"a": ["zero", "one", "two"], "o": {"01": "a member named 01", "1": "a member named 1"}},
}


def detector_cases():
    longest_local = "l" * 64
    e254 = longest_local + "@" + ".".join(["a" * 63, "b" * 63, "c" * 58, "io"])
    assert len(e254) == 254
    e255 = longest_local + "@" + ".".join(["a" * 63, "b" * 63, "c" * 59, "io"])
    assert len(e255) == 255

    def card_with_check(prefix):
        for d in DIGITS:
            if luhn(prefix + d):
                return prefix + d
    c19 = card_with_check("400000000000000000")
    c12 = card_with_check("41111111111")
    c20 = card_with_check("4111111111111111111")
    c13 = card_with_check("422222222222")
    table = {
        "email": (
            ["a@b.co", "first.last+tag@sub.example.org", "x!#$%&'*+/=?^_`{|}~-@a-b.io", "A@B.CO", "1@2.io",
             "a@b.c-d.io", longest_local + "@b.co", e254, "a@" + "x" * 63 + ".io", "a@b." + "z" * 63],
            ["a@b", "a@b.c", ".a@b.co", "a.@b.co", "a..b@c.co", "a@-b.co", "a@b-.co", "a@b.c0", "\u00e9@b.co",
             "a@b@c.co", "@b.co", "a@.co", "a@b..co", "l" + longest_local + "@b.co", e255, "a@" + "x" * 64 + ".io",
             "a b@c.co", "a@b.co ", "a@b_c.co", "\"a\"@b.co", "a@[1.2.3.4]", "a@b.co.", "a@b." + "z" * 64, "",
             "a@b.c\u00f6"]),
        "phone": (
            ["+14155550123", "+44207183875", "+123456789012345", "+12345678"],
            ["14155550123", "+0123456789", "+1234567", "+1234567890123456", "+1 415 555 0123", "+1-415-555-0123",
             "++14155550123", "+", "+\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669", "+14155550123 ",
             "+14155550123\n"]),
        "ipv4": (
            ["0.0.0.0", "192.168.1.1", "255.255.255.255", "1.2.3.4", "10.0.0.255"],
            ["256.1.1.1", "01.1.1.1", "1.1.1", "1.1.1.1.1", "1..1.1", " 1.1.1.1", "1.1.1.1 ", "1.1.1.1.", "1.1.1.-1",
             "1.1.1.+1", "1.1.1.0x1", "00.1.1.1", "1.1.1.\u0661", "1.1.1.1000", ""]),
        "ipv6": (
            ["::", "::1", "1::", "2001:db8::1", "fe80::1:2:3:4", "1:2:3:4:5:6:7:8", "::ffff:192.0.2.1",
             "1:2:3:4:5:6:1.2.3.4", "2001:DB8::", "::1.2.3.4", "1::1.2.3.4", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8",
             "0000:0000:0000:0000:0000:0000:0000:0001", "1:2:3:4:5::1.2.3.4", "2001:0db8:85a3:0000:0000:8a2e:0370:7334",
             "1::2:3:4:5:6:7", "0000:0000:0000:0000:0000:0000:255.255.255.255"],
            ["", ":", ":::", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", "1:2:3:4:5:6:7", "fe80::1%eth0",
             ":1:2:3:4:5:6:7", "1:2:3:4:5:6:7:", "::ffff:256.0.0.1", "g::1", "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8",
             "1:2:3:4:5:6:7:1.2.3.4", "1:2:3:4:5:1.2.3.4", "[::1]", "::ffff:1.2.3", "1.2.3.4", ":::1", "1:::2", "::1:",
             "1:2:3:4:5:6::1.2.3.4", "02001:db8::1", "1::2:3:4:5:6:7:8", "::ffff:01.2.3.4", "1:2:3:4:5:6:7:8:",
             ":1::", "1.2.3.4::"]),
        "card": (
            ["4111111111111111", "4111 1111 1111 1111", "4111-1111-1111-1111", "378282246310005", "6011111111111117",
             "5555555555554444", c13, "4111 111111111111", c19, "0000000000000", "4-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1"],
            ["4111111111111112", "4111 1111-1111 1111", "4111  1111 1111 1111", c12, c20, " 4111111111111111",
             "4111111111111111 ", "4111-1111-1111-111a", "4111 1111 1111 1111-", "-4111-1111-1111-1111",
             "\u0664111111111111111", "4111_1111_1111_1111", "", "4111\t1111 1111 1111"]),
        "iban": (
            ["DE89370400440532013000", "GB82 WEST 1234 5698 7654 32", "FR1420041010050500013M02606",
             "GB82WEST12345698765432", "NO9386011117947", "MT84MALT011000012345MTLCAST001S",
             "LC55HEMM000100010012001200023015", "DE89 3704 0044 0532 0130 00"],
            ["DE89370400440532013001", "de89370400440532013000", "GB82 WEST 12345698765432", "DE8937040044",
             "GB82  WEST 1234 5698 7654 32", "GB82 WES T123 4569 8765 432", "GB82 WEST 1234 5698 7654 32 ",
             "1E89370400440532013000", "DEAB370400440532013000", "DE89370400440532013000" + "0" * 13, "NO938601111794",
             "GB82-WEST-1234-5698-7654-32", "GB82 west 1234 5698 7654 32", ""]),
    }
    out = []
    for d, (yes, no) in table.items():
        for v in yes:
            assert DETECT[d](v), (d, v)
            out.append({"detector": d, "value": v, "matches": True})
        for v in no:
            assert not DETECT[d](v), (d, v)
            out.append({"detector": d, "value": v, "matches": False})
    return out


def policy_error_cases():
    base = POLICIES["external"]
    out = []

    def add(cid, desc, code, path, edit=None, text=None):
        if text is None:
            d = json.loads(json.dumps(base))
            edit(d)
            try:
                load_policy(d)
                raise AssertionError(cid + " loads")
            except PolicyError as e:
                assert (e.code, e.path) == (code, path), (cid, e.code, e.path)
            out.append({"id": cid, "description": desc, "policy": d, "error": {"code": code, "path": path}})
        else:
            err = {"code": code}
            if path is not None:
                d = snap.strict(text.encode())
                try:
                    load_policy(d)
                    raise AssertionError(cid + " loads")
                except PolicyError as e:
                    assert (e.code, e.path) == (code, path), (cid, e.code, e.path)
                err["path"] = path
            out.append({"id": cid, "description": desc, "policyText": text, "error": err})

    def setp(*path_and_value):
        *path, value = path_and_value

        def f(d):
            cur = d
            for p in path[:-1]:
                cur = cur[p]
            cur[path[-1]] = value
        return f

    def delp(*path):
        def f(d):
            cur = d
            for p in path[:-1]:
                cur = cur[p]
            del cur[path[-1]]
        return f

    add("text/duplicate-member", "strict I-JSON first", "duplicate_key", None,
        text='{"type":"trustcore.redaction-policy/v1","id":"a","id":"b","version":1,"rules":[]}')
    add("text/not-json", "not JSON", "syntax", None, text='{"type":')
    add("text/version-float-spelling", "version written 1.0: a JSON integer is required, whatever its value",
        "invalid_policy", "/version", text=json.dumps(base).replace('"version": 3', '"version": 1.0'))
    out.append({"id": "not-object", "description": "a policy is an object", "policy": [],
                "error": {"code": "invalid_policy", "path": ""}})
    add("type/missing", "no type", "invalid_policy", "/type", delp("type"))
    add("type/other", "another document type", "invalid_policy", "/type", setp("type", "trustcore.policy-set/v1"))
    add("type/v2", "a later version", "unsupported_policy_version", "/type", setp("type", "trustcore.redaction-policy/v2"))
    add("type/not-string", "type is a number", "invalid_policy", "/type", setp("type", 1))
    add("top/unknown", "an unknown top-level member", "invalid_policy", "/rulez", setp("rulez", []))
    add("top/unknown-escaped", "an unknown member with / and ~ in its name", "invalid_policy", "/a~1b~0c",
        setp("a/b~c", 1))
    add("top/unknown-first", "of two unknown members, the first in code point order", "invalid_policy", "/Zeta",
        lambda d: d.update({"zeta": 1, "Zeta": 2}))
    add("id/missing", "no id", "invalid_policy", "/id", delp("id"))
    add("id/empty", "an empty id", "invalid_policy", "/id", setp("id", ""))
    add("id/129", "an id of 129 characters", "invalid_policy", "/id", setp("id", "x" * 129))
    add("id/control", "a control character in the id", "invalid_policy", "/id", setp("id", "a\u0085b"))
    add("version/zero", "version 0", "invalid_policy", "/version", setp("version", 0))
    add("version/float", "version 1.5", "invalid_policy", "/version", setp("version", 1.5))
    add("version/string", "version \"1\"", "invalid_policy", "/version", setp("version", "1"))
    add("version/2pow53", "version 2^53", "invalid_policy", "/version", setp("version", 2**53))
    add("marker/empty", "an empty policy marker", "invalid_policy", "/marker", setp("marker", ""))
    add("marker/257", "a marker of 257 characters", "invalid_policy", "/marker", setp("marker", "m" * 257))
    add("rules/empty", "no rules", "invalid_policy", "/rules", setp("rules", []))
    add("rules/257", "257 rules", "invalid_policy", "/rules",
        setp("rules", [{"id": "r%d" % i, "select": {"detect": "email"}, "action": "remove"} for i in range(257)]))
    add("rules/not-array", "rules is an object", "invalid_policy", "/rules", setp("rules", {}))
    add("rule/not-object", "a rule that is a string", "invalid_policy", "/rules/1", setp("rules", 1, "r"))
    add("rule/unknown-member", "a rule member the format does not have", "invalid_policy", "/rules/2/when",
        setp("rules", 2, "when", "always"))
    add("rule/id-missing", "a rule without id", "invalid_policy", "/rules/0/id", delp("rules", 0, "id"))
    add("rule/id-twice", "two rules with one id", "invalid_policy", "/rules/3/id", setp("rules", 3, "id", "emails"))
    add("select/missing", "no select", "invalid_policy", "/rules/1/select", delp("rules", 1, "select"))
    add("select/unknown", "an unknown selector", "invalid_policy", "/rules/1/select/regex",
        setp("rules", 1, "select", {"regex": ".*"}))
    add("select/two", "two selectors", "invalid_policy", "/rules/0/select", setp("rules", 0, "select", "pointer", "/x"))
    add("select/none", "an empty select", "invalid_policy", "/rules/0/select", setp("rules", 0, "select", {}))
    add("pointer/relative", "a pattern without a leading /", "invalid_policy", "/rules/2/select/pointer",
        setp("rules", 2, "select", "pointer", "steps/*"))
    add("pointer/bad-escape", "~3 is no escape", "invalid_policy", "/rules/2/select/pointer",
        setp("rules", 2, "select", "pointer", "/a~3"))
    add("pointer/trailing-tilde", "a ~ at the end", "invalid_policy", "/rules/2/select/pointer",
        setp("rules", 2, "select", "pointer", "/a~"))
    add("pointer/five-any", "five ** (consecutive ones count once)", "invalid_policy", "/rules/2/select/pointer",
        setp("rules", 2, "select", "pointer", "/**/a/**/b/**/c/**/d/**/e"))
    add("pointer/129-tokens", "129 tokens", "invalid_policy", "/rules/2/select/pointer",
        setp("rules", 2, "select", "pointer", "/a" * 129))
    add("pointer/number", "a pattern that is not a string", "invalid_policy", "/rules/2/select/pointer",
        setp("rules", 2, "select", "pointer", 5))
    add("keys/empty", "an empty list of keys", "invalid_policy", "/rules/0/select/keys",
        setp("rules", 0, "select", "keys", []))
    add("keys/blank", "a key that normalizes to nothing", "invalid_policy", "/rules/0/select/keys/1",
        setp("rules", 0, "select", "keys", ["email", "_- "]))
    add("keys/number", "a key that is not a string", "invalid_policy", "/rules/0/select/keys/0",
        setp("rules", 0, "select", "keys", [1]))
    add("detect/unknown", "an unknown detector", "invalid_policy", "/rules/1/select/detect",
        setp("rules", 1, "select", "detect", "ssn-us"))
    add("action/unknown", "an unknown action", "invalid_policy", "/rules/0/action", setp("rules", 0, "action", "hash"))
    add("action/missing", "no action", "invalid_policy", "/rules/0/action", delp("rules", 0, "action"))
    add("marker/on-remove", "a marker on a remove rule", "invalid_policy", "/rules/3/marker",
        setp("rules", 3, "marker", "x"))
    add("marker/rule-empty", "an empty rule marker", "invalid_policy", "/rules/0/marker", setp("rules", 0, "marker", ""))
    add("keep/on-replace", "keep on a replace rule", "invalid_policy", "/rules/0/keep", setp("rules", 0, "keep", 2))
    add("keep/65", "keep 65", "invalid_policy", "/rules/1/keep", setp("rules", 1, "keep", 65))
    add("keep/negative", "keep -1", "invalid_policy", "/rules/1/keep", setp("rules", 1, "keep", -1))
    add("keep/float", "keep 2.5", "invalid_policy", "/rules/1/keep", setp("rules", 1, "keep", 2.5))
    add("class/65", "a class of 65 characters", "invalid_policy", "/rules/0/class", setp("rules", 0, "class", "c" * 65))
    add("class/empty", "an empty class", "invalid_policy", "/rules/0/class", setp("rules", 0, "class", ""))
    return out


def main():
    policies = {n: load_policy(d) for n, d in POLICIES.items()}
    doc = {
        "format": "trustcore-vectors/redaction",
        "version": 1,
        "description": "PII redaction (docs/redaction.md): policies loaded and refused, detectors, redactions and "
                       "records, pseudonyms, commitments, commitment forms, disclosures and their refusals, and "
                       "commitment-form snapshots. Generated by tools/gen_redaction.py (rfc8785, hmac, hashlib, and "
                       "gen_snapshots.py's builder), independently of trustcore.",
        "keys": {k: v.hex() for k, v in KEYS.items()},
        "policies": POLICIES,
        "policyDigests": {n: p["digest"] for n, p in policies.items()},
        "policyErrors": policy_error_cases(),
        "detectors": detector_cases(),
        "documents": DOCUMENTS,
        "redactions": [], "redactErrors": [], "proofs": [], "commitments": [], "commitErrors": [],
        "disclosures": [],
    }

    # ---- redactions
    runs = [("trace", "external", "salt", "pseudonym", "the trace: member classes at any depth (case-insensitive), a "
             "detector in annotations and arrays, a pattern with * and one with **"),
            ("trace", "external", "salt-2", "pseudonym-2", "the same trace under other keys: other commitments and "
             "pseudonyms, the same redacted text elsewhere"),
            ("detectors", "detectors", "salt", "pseudonym", "every detector, in nested arrays and objects; lookalikes "
             "kept; a number is never a detected string"),
            ("patterns", "patterns", "salt", "pseudonym", "pointer patterns: *, ** (zero levels too: /blob/** selects "
             "/blob), ~2 for a literal *, ~0/~1 escapes, an index, nested arrays"),
            ("keys", "keys", "salt", None, "member names by class: _ - and space ignored, per-character Unicode "
             "lowercase (dotted I; a final sigma is not a sigma), array elements have no name"),
            ("order", "order", "salt", None, "the first rule that selects a node applies; a selected object's members "
             "are not visited"),
            ("values", "values", "salt", "pseudonym", "pseudonyms of every JSON type (the same value, the same token: "
             "42 and 42.0 are one number), masks with keep 0, 4 and 64 over strings, astral characters, numbers, "
             "booleans, null, objects and arrays"),
            ("values", "values", "salt", "pseudonym-2", "the same values under another pseudonym key"),
            ("utf16-order", "detectors", "salt", "pseudonym", "entries in RFC 8785 member order (UTF-16: U+1F600 "
             "before U+E000)"),
            ("remove-in-array", "hide-all-emails", "salt", None, "removed array elements: later elements move up, "
             "the record's pointers are the original's"),
            ("nothing-selected", "external", "salt", "pseudonym", "nothing selected: the canonical document and no "
             "entries"),
            ("indexes", "indexes", "salt", None, "array indexes in patterns are plain decimals: /a/01 and /a/+1 "
             "select no element, /a/1 does; an object member named 01 is selected by its name")]
    for dname, pname, sk, pk, desc in runs:
        cid = "%s@%s/%s" % (dname, pname, sk + ("+" + pk if pk else ""))
        red, record = redact(DOCUMENTS[dname], policies[pname], KEYS[sk], KEYS[pk] if pk else None)
        doc["redactions"].append({"id": cid, "description": desc, "document": dname, "policy": pname,
                                  "saltKey": sk, "pseudonymKey": pk, "redacted": red.decode(), "record": record})
    for cid, desc, dname, pname, sk, pk, salt_len, code in [
        ("no-pseudonym-key", "a policy that pseudonymizes needs the pseudonym key", "nothing-selected", "external",
         "salt", None, 32, "missing_key"),
        ("short-salt-key", "a salt key of 31 bytes", "trace", "keys", "salt", None, 31, "missing_key"),
        ("root-array", "the document's root is an array: the root is an object", ["a@b.co", {"email": "c@d.co"}],
         "keys", "salt", None, 32, "invalid_document"),
    ]:
        d = DOCUMENTS[dname] if isinstance(dname, str) and dname in DOCUMENTS else dname
        try:
            redact(d, policies[pname], KEYS[sk][:salt_len], None)
            raise AssertionError(cid)
        except RedactError as e:
            assert e.code == code, (cid, e.code)
        doc["redactErrors"].append({"id": cid, "description": desc, "document": dname, "policy": pname,
                                    "saltKey": sk, "saltKeyBytes": salt_len, "pseudonymKey": pk, "code": code})

    # ---- a privileged reader's proofs
    _, rec = redact(DOCUMENTS["trace"], policies["external"], KEYS["salt"], KEYS["pseudonym"])
    orig = DOCUMENTS["trace"]

    def value_at(d, pointer):
        for t in pointer.split("/")[1:]:
            t = t.replace("~1", "/").replace("~0", "~")
            d = d[int(t)] if isinstance(d, list) else d[t]
        return d

    for i, e in enumerate(rec["redactions"]):
        v = value_at(orig, e["pointer"])
        for label, value, sk, want in [("value", v, "salt", True), ("guess", "guess", "salt", False),
                                       ("other-salt-key", v, "salt-2", False)]:
            assert proves(e, value, KEYS[sk]) == want
            doc["proofs"].append({"id": "%d/%s" % (i, label), "redaction": "trace@external/salt+pseudonym",
                                  "entry": i, "value": value, "saltKey": sk, "proves": want})

    # ---- commitment forms
    commits = {}
    for dname, pname, sk, desc in [
        ("trace", "external", "salt", "the trace: hidden members in _sd (sorted), hidden array elements as {\"...\": "
         "digest}, whatever the rule's action"),
        ("detectors", "detectors", "salt", "every detector's values hidden, in arrays nested three deep"),
        ("patterns", "patterns", "salt", "pointer patterns; a hidden object (/blob) is one disclosure"),
        ("keys", "keys", "salt-2", "member classes under another salt key"),
        ("remove-in-array", "hide-all-emails", "salt", "array elements hidden in place (nothing moves)"),
        ("nothing-selected", "external", "salt", "nothing hidden: the document as it is, no disclosures"),
    ]:
        cid = "%s@%s/%s" % (dname, pname, sk)
        committed, ds = commit(DOCUMENTS[dname], policies[pname], KEYS[sk])
        assert disclose(committed, ds) == DOCUMENTS[dname] or dname == "values"
        commits[cid] = (committed, ds)
        doc["commitments"].append({"id": cid, "description": desc, "document": dname, "policy": pname, "saltKey": sk,
                                   "committed": canon(committed).decode(), "disclosures": ds,
                                   "digests": [digest_of(d) for d in ds]})
    for cid, desc, d in [
        ("sd-at-root", "the document already has an _sd member", {"_sd": [], "email": "a@b.co"}),
        ("sd-nested", "an object inside has an _sd member", {"a": [{"b": {"_sd": "x"}}]}),
        ("sd-in-hidden-value", "an _sd member inside a value the policy hides (refused all the same)",
         {"email": {"_sd": ["x"]}}),
        ("dots-element", "an array element that is an object with a ... member",
         {"notes": [1, {"...": "not a digest"}]}),
        ("dots-in-hidden-element", "a ... element inside a hidden value", {"email": [{"...": 1}]}),
        ("root-array", "the document's root is an array", [{"email": "a@b.co"}]),
    ]:
        try:
            commit(d, policies["external"], KEYS["salt"])
            raise AssertionError(cid)
        except RedactError as e:
            assert e.code == "invalid_document"
        doc["commitErrors"].append({"id": cid, "description": desc, "document": d, "policy": "external",
                                    "saltKey": "salt", "code": "invalid_document"})
    # ---- disclosures
    def add_disclosure(cid, desc, committed, given, code=None):
        try:
            view, opened, hidden = disclose_report(committed, given)
            assert code is None, (cid, "discloses")
            out = {"expected": view, "opened": opened, "hidden": hidden}
        except RedactError as e:
            assert e.code == code, (cid, e.code, code)
            out = {"error": e.code}
        case = {"id": cid, "description": desc}
        if isinstance(committed, str):
            case["commitment"] = committed
        else:
            case["committed"] = committed
        case["disclosures"] = given
        case.update(out)
        doc["disclosures"].append(case)

    tc, tds = commits["trace@external/salt"]

    def tdisc(i):
        return tds[i]

    def part(d):
        return json.loads(base64.urlsafe_b64decode(d + "=" * (-len(d) % 4)))

    def enc(parts):
        return disclosure_of(parts)

    names = [part(d) for d in tds]
    add_disclosure("trace/none", "no disclosure: every hidden value absent, no _sd or ... left", tc, [])
    add_disclosure("trace/all", "every disclosure: the original", tc, list(tds))
    add_disclosure("trace/all-reversed", "every disclosure, in another order: the same", tc, list(reversed(tds)))
    for i in range(len(tds)):
        add_disclosure("trace/only-%d" % i, "disclosure %d alone (%s)" % (i, json.dumps(names[i][1:])[:60]), tc,
                       [tdisc(i)])
    add_disclosure("trace/odd", "every other disclosure", tc, tds[1::2])
    # The refusals, each on the signed trace.
    email_i = next(i for i, p in enumerate(names) if len(p) == 3 and p[1] == "Email")
    elem_i = next(i for i, p in enumerate(names) if len(p) == 2)
    pe = names[email_i]
    add_disclosure("refuse/changed-value", "a disclosed value changed: its digest is nowhere", tc,
                   [enc([pe[0], pe[1], "eve@example.org"])], "unreferenced_disclosure")
    add_disclosure("refuse/wrong-salt", "the removed value restored with a wrong salt", tc,
                   [enc(["AAAAAAAAAAAAAAAAAAAAAA", pe[1], pe[2]])], "unreferenced_disclosure")
    add_disclosure("refuse/other-name", "the value disclosed under another member name", tc,
                   [enc([pe[0], "email", pe[2]])], "unreferenced_disclosure")
    add_disclosure("refuse/other-document", "a disclosure of another document", tc,
                   [commits["keys@keys/salt-2"][1][0]], "unreferenced_disclosure")
    add_disclosure("refuse/respelled", "the same disclosure re-encoded with spaces: another digest", tc,
                   [b64url(json.dumps(pe).encode())], "unreferenced_disclosure")
    add_disclosure("refuse/given-twice", "the same disclosure twice", tc, [tdisc(email_i), tdisc(email_i)],
                   "duplicate_digest")
    dup_sd = json.loads(json.dumps(tc))
    sd = dup_sd["annotations"]["reviewer"]["_sd"]
    sd.append(sd[0])
    add_disclosure("refuse/digest-twice-in-sd", "a digest twice in one _sd", dup_sd, [], "duplicate_digest")
    dup_arr = json.loads(json.dumps(tc))
    first_hidden = next(x for x in dup_arr["annotations"]["notes"] if isinstance(x, dict) and "..." in x)
    dup_arr["steps"].append({"...": first_hidden["..."]})
    add_disclosure("refuse/digest-twice-across", "an array digest repeated in another array", dup_arr, [],
                   "duplicate_digest")
    cross = json.loads(json.dumps(tc))
    cross["steps"][0]["_sd"] = [first_hidden["..."]]
    add_disclosure("refuse/digest-in-sd-and-array", "the same digest as an _sd entry and an array element", cross, [],
                   "duplicate_digest")
    coll = json.loads(json.dumps(tc))
    coll["annotations"]["reviewer"]["Email"] = "already here"
    add_disclosure("refuse/claim-collision", "the disclosed member is already in the object", coll,
                   [tdisc(email_i)], "claim_collision")
    add_disclosure("collision/undisclosed-is-fine", "the same edited object without the disclosure: no collision",
                   coll, [])
    add_disclosure("refuse/reserved-sd", "a disclosure naming _sd", tc, [enc([pe[0], "_sd", 1])], "claim_collision")
    add_disclosure("refuse/reserved-dots", "a disclosure naming ...", tc, [enc([pe[0], "...", 1])],
                   "claim_collision")
    add_disclosure("refuse/not-base64url", "not base64url", tc, ["not base64!"], "invalid_disclosure")
    add_disclosure("refuse/padded", "padded base64url", tc, [tdisc(email_i) + "=" * (-len(tdisc(email_i)) % 4 or 4)],
                   "invalid_disclosure")
    std = base64.b64encode(b'["' + b"\xfb" * 20 + b'"]').decode().rstrip("=")
    assert "+" in std or "/" in std
    add_disclosure("refuse/standard-alphabet", "the standard base64 alphabet (+ and /)", tc, [std],
                   "invalid_disclosure")
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    good = next(d for d in tds if len(d) % 4 in (2, 3))
    trailing = good[:-1] + alphabet[alphabet.index(good[-1]) | 1]
    assert trailing != good
    add_disclosure("refuse/unused-bits", "a disclosure whose last character has a non-zero unused bit: not the one "
                   "spelling of its bytes", tc, [trailing], "invalid_disclosure")
    add_disclosure("refuse/length-1-mod-4", "a length of 1 modulo 4", tc, ["AAAAA"], "invalid_disclosure")
    add_disclosure("refuse/empty", "the empty disclosure", tc, [""], "invalid_disclosure")
    add_disclosure("refuse/not-json", "not JSON", tc, [b64url(b"[\"AAAAAAAAAAAAAAAAAAAAAA\",")], "invalid_disclosure")
    add_disclosure("refuse/duplicate-member", "JSON with a duplicate member", tc,
                   [b64url(b'["AAAAAAAAAAAAAAAAAAAAAA",{"a":1,"a":2}]')], "invalid_disclosure")
    add_disclosure("refuse/not-array", "a JSON object", tc, [enc({"salt": pe[0]})], "invalid_disclosure")
    add_disclosure("refuse/one-element", "an array of one", tc, [enc([pe[0]])], "invalid_disclosure")
    add_disclosure("refuse/four-elements", "an array of four", tc, [enc([pe[0], "a", 1, 2])], "invalid_disclosure")
    add_disclosure("refuse/short-salt", "a salt of 15 bytes", tc, [enc(["A" * 15, "a", 1])], "invalid_disclosure")
    add_disclosure("refuse/salt-number", "a salt that is a number", tc, [enc([1234567890123456, "a", 1])],
                   "invalid_disclosure")
    add_disclosure("refuse/name-number", "a member name that is a number", tc, [enc([pe[0], 5, 1])],
                   "invalid_disclosure")
    sd_obj = json.loads(json.dumps(tc))
    sd_obj["annotations"]["reviewer"]["_sd"] = {"d": sd_obj["annotations"]["reviewer"]["_sd"][0]}
    add_disclosure("refuse/sd-not-array", "an _sd that is not an array", sd_obj, [], "invalid_disclosure")
    sd_num = json.loads(json.dumps(tc))
    sd_num["annotations"]["reviewer"]["_sd"].append(7)
    add_disclosure("refuse/sd-entry-number", "an _sd entry that is not a string", sd_num, [], "invalid_disclosure")
    # A two-element disclosure referenced from an _sd, and the other way round.
    swapped = json.loads(json.dumps(tc))
    swapped["annotations"]["reviewer"]["_sd"].append(digest_of(tdisc(elem_i)))
    for x in swapped["annotations"]["notes"]:
        if isinstance(x, dict) and x.get("...") == digest_of(tdisc(elem_i)):
            x["..."] = "moved"
    add_disclosure("refuse/element-disclosure-in-sd", "an array element's disclosure referenced from an _sd",
                   swapped, [tdisc(elem_i)], "invalid_disclosure")
    member_in_arr = json.loads(json.dumps(tc))
    member_in_arr["steps"].append({"...": digest_of(tdisc(email_i))})
    member_in_arr["annotations"]["reviewer"]["_sd"].remove(digest_of(tdisc(email_i)))
    add_disclosure("refuse/member-disclosure-in-array", "an object member's disclosure referenced from an array",
                   member_in_arr, [tdisc(email_i)], "invalid_disclosure")
    # Not a hidden element: "..." with a non-string value, or beside another member.
    lookalike = {"a": [{"...": 1}, {"...": "x", "b": 2}]}
    add_disclosure("lookalike/not-hidden", "{\"...\": 1} and {\"...\": \"x\", \"b\": 2} are ordinary elements",
                   lookalike, [])
    # Nested (recursive) disclosures, built by hand as RFC 9901 §4.2.6 allows.
    s1, s2 = b64url(b"inner-salt-16byt"), b64url(b"outer-salt-16byt")
    inner = enc([s1, "x", 1])
    outer = enc([s2, "obj", {"_sd": [digest_of(inner)], "y": 2}])
    nested = {"_sd": [digest_of(outer)], "z": 3}
    add_disclosure("nested/outer-only", "a disclosed value holding a hidden member of its own", nested, [outer])
    add_disclosure("nested/both", "both levels disclosed", nested, [inner, outer])
    add_disclosure("nested/inner-only", "the inner disclosure alone: its digest is inside an undisclosed value",
                   nested, [inner], "unreferenced_disclosure")
    for cid in commits:
        if cid.startswith("trace@"):
            continue
        c, ds = commits[cid]
        for label, given in (("all", ds), ("none", [])):
            view, opened, hidden = disclose_report(c, given)
            doc["disclosures"].append({"id": label + "/" + cid, "description": ("every" if given else "no") + " disclosure of " + cid,
                                       "commitment": cid, "disclosures": given, "expected": view,
                                       "opened": opened, "hidden": hidden})
    for c in doc["disclosures"]:
        if c.get("committed") is tc:
            del c["committed"]
            c["commitment"] = "trace@external/salt"
    # Re-order keys: id, description, commitment|committed, disclosures, expected|error.
    doc["disclosures"] = [{k: c[k] for k in ("id", "description", "commitment", "committed", "disclosures",
                                               "expected", "opened", "hidden", "error") if k in c} for c in doc["disclosures"]]

    # ---- commitment-form snapshots
    pol = policies["external"]
    records = [trace(i) for i in range(1, 5)]
    committed = [commit(r, pol, KEYS["salt"]) for r in records]
    record_texts = [canon(c).decode() for c, _ in committed]
    lines, batch, meta = snap.build(record_texts, "snap-redacted", "2026-03-01T13:00:00Z")
    signed = snap.sign(meta, "graph-signer", "ed25519")
    assert snap.verify(signed, batch)["valid"]
    views = []
    for ri, (c, ds) in enumerate(committed):
        for label, idx in [("none", []), ("all", list(range(len(ds)))), ("first", [0]), ("last", [len(ds) - 1]),
                           ("evens", list(range(0, len(ds), 2)))]:
            views.append({"record": ri, "id": "%d/%s" % (ri, label), "disclose": idx,
                          "expected": disclose(c, [ds[i] for i in idx])})
        assert disclose(c, ds) == records[ri]
    c1, ds1 = committed[1]
    pn = [part(d) for d in ds1]
    ei = next(i for i, p in enumerate(pn) if len(p) == 3 and p[1] == "Email")
    refusals = [
        {"record": 1, "id": "1/changed-value", "description": "a disclosed value changed",
         "disclosures": [enc([pn[ei][0], "Email", "eve@example.org"])], "error": "unreferenced_disclosure"},
        {"record": 1, "id": "1/wrong-salt", "description": "a removed value restored with a wrong salt",
         "disclosures": [enc(["AAAAAAAAAAAAAAAAAAAAAA", "Email", pn[ei][2]])], "error": "unreferenced_disclosure"},
        {"record": 1, "id": "1/other-record", "description": "record 2's disclosure on record 1",
         "disclosures": [committed[2][1][ei]], "error": "unreferenced_disclosure"},
    ]
    for r in refusals:
        try:
            disclose(c1, r["disclosures"])
            raise AssertionError(r["id"])
        except RedactError as e:
            assert e.code == r["error"]
    # A line with the removed value put back in clear no longer verifies.
    restored = json.loads(lines[1])
    restored["annotations"]["reviewer"]["Email"] = pn[ei][2]
    restored["annotations"]["reviewer"]["_sd"].remove(digest_of(ds1[ei]))
    tampered = b"".join(x + b"\n" for x in [lines[0], canon(restored)] + lines[2:])
    tr = snap.verify(signed, tampered)
    assert [f["code"] for f in tr["failures"]] == ["hash_mismatch", "merkle_mismatch"]
    m7 = [snap.leaf(x) for x in lines]
    doc["snapshots"] = [{
        "id": "external/4-traces", "description": "four traces in commitment form under the external policy, "
        "snapshotted and signed: the signature covers the digests; views with disclosure subsets; refusals; a line "
        "with a hidden value restored in clear fails verification",
        "policy": "external", "saltKey": "salt", "records": records, "snapshotId": "snap-redacted",
        "ts": "2026-03-01T13:00:00Z", "signerKid": "graph-signer", "alg": "ed25519", "key": "1",
        "lines": [x.decode() for x in lines], "disclosures": [ds for _, ds in committed],
        "metadata": canon(signed).decode(), "proofs": [[p.hex() for p in snap.path(i, m7)] for i in range(len(lines))],
        "views": views, "refusals": refusals,
        "tampered": {"description": "record 2's Email restored in clear (its digest removed)",
                     "batch": tampered.decode(), "expected": tr},
    }]
    doc["registry"] = snap.REGISTRY
    doc["signingKeys"] = {"1": {"seed": snap.KEYS[1].seed.hex(), "publicKey": snap.b64(snap.KEYS[1].pk)}}

    for s in ("policyErrors", "redactions", "redactErrors", "proofs", "commitments", "commitErrors", "disclosures"):
        ids = [c["id"] for c in doc[s]]
        assert len(ids) == len(set(ids)), (s, [i for i in ids if ids.count(i) > 1])
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
