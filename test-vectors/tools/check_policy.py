#!/usr/bin/env python3
"""Independent check of the exact bytes in test-vectors/policy.json.

Uses PyPI rfc8785 and hashlib only (no trustcore code). For every case with
`expected` bytes it checks: the bytes are RFC 8785 canonical; the request,
policy-set and policy digests; every record id (SHA-256 of the canonical
record without `id`); the record order; deny-wins and determinedBy from the
records; simMode against the lifecycle state, mode and canary bucket (bucket
recomputed here); every evidence value against the request (pointers
resolved here); the explanation's policy and id; the impact report's digests.

Usage: python3 -m venv /tmp/tvenv && /tmp/tvenv/bin/pip install rfc8785
       /tmp/tvenv/bin/python test-vectors/tools/check_policy.py
"""
import hashlib, json, os, sys
import rfc8785

HERE = os.path.dirname(os.path.abspath(__file__))
doc = json.load(open(os.path.join(HERE, "..", "policy.json"), encoding="utf-8"))
sets = doc["policySets"]
fails = []


def sha(b):
    return "sha256:" + hashlib.sha256(b).hexdigest()


def canon(v):
    return rfc8785.dumps(v)


def bucket(v):
    return int.from_bytes(hashlib.sha256(canon(v)).digest()[:8], "big") % 10000


MISSING = object()


def resolve(doc, ptr):
    if ptr == "":
        return doc
    cur = doc
    for raw in ptr[1:].split("/"):
        tok = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(cur, dict) and tok in cur:
            cur = cur[tok]
        elif isinstance(cur, list) and tok.isdigit() and (tok == "0" or not tok.startswith("0")) and int(tok) < len(cur):
            cur = cur[int(tok)]
        else:
            return MISSING
    return cur


def utf16_key(s):
    return s.encode("utf-16-be")


def check_decision(cid, setdoc, request, text):
    d = json.loads(text)
    if canon(d) != text.encode("utf-8"):
        fails.append(cid + ": not canonical")
    if d["requestDigest"] != sha(canon(request)):
        fails.append(cid + ": requestDigest")
    if d["policySetDigest"] != sha(canon(setdoc)):
        fails.append(cid + ": policySetDigest")
    recs = d["policyChecks"]
    order = [(utf16_key(r["policyId"]), r["policyVersion"]) for r in recs]
    if order != sorted(order):
        fails.append(cid + ": record order")
    for r in recs:
        rest = {k: v for k, v in r.items() if k != "id"}
        if r["id"] != sha(canon(rest)):
            fails.append(cid + ": id of " + r["policyId"])
        if r["kind"] == "rbac":
            src = setdoc["rbac"]
        else:
            src = next(p for p in setdoc["policies"] if p["id"] == r["policyId"] and p["version"] == r["policyVersion"])
            if src["state"] in ("draft", "deprecated"):
                fails.append(cid + ": a %s policy applied" % src["state"])
            want_sim = src["mode"] == "simulate" or src["state"] == "test"
            if src["state"] == "canary":
                key = src["canary"]["key"]
                v = resolve(request, key)
                c = r["canary"]
                if v is MISSING:
                    if "bucket" in c or c["selected"]:
                        fails.append(cid + ": canary without key")
                else:
                    if c["bucket"] != bucket(v):
                        fails.append(cid + ": bucket")
                    if c["selected"] != (bucket(v) < src["canary"]["basisPoints"]):
                        fails.append(cid + ": selected")
                want_sim = want_sim or not c["selected"]
            if r["simMode"] != want_sim:
                fails.append(cid + ": simMode of " + r["policyId"])
            if r["rationale"] != src["rationale"]:
                fails.append(cid + ": rationale")
        if r["policyDigest"] != sha(canon(src)):
            fails.append(cid + ": policyDigest of " + r["policyId"])
        if r["requestDigest"] != d["requestDigest"]:
            fails.append(cid + ": record requestDigest")
        if "error" in r and r["decision"] != "deny":
            fails.append(cid + ": an error must deny")
        ptrs = [e["pointer"] for e in r["evidence"]]
        if [utf16_key(p) for p in ptrs] != sorted(utf16_key(p) for p in ptrs) or len(set(ptrs)) != len(ptrs):
            fails.append(cid + ": evidence order")
        for e in r["evidence"]:
            v = resolve(request, e["pointer"])
            if e.get("missing"):
                if v is not MISSING:
                    fails.append(cid + ": evidence says missing: " + e["pointer"])
            elif v is MISSING or canon(v) != canon(e["value"]):
                fails.append(cid + ": evidence value at " + e["pointer"])
    counted = [r for r in recs if not r["simMode"]]
    deny = [r for r in counted if r["decision"] == "deny"]
    allow = [r for r in counted if r["decision"] == "allow"]
    if deny:
        want = ("deny", "deny", deny)
    elif allow:
        want = ("allow", "allow", allow)
    else:
        want = (setdoc["defaultDecision"], "default", [])
    by = [{"policyCheckId": r["id"], "policyId": r["policyId"], "policyVersion": r["policyVersion"]} for r in want[2]]
    if (d["decision"], d["reason"], d["determinedBy"]) != (want[0], want[1], by):
        fails.append(cid + ": deny-wins / determinedBy")
    return d


n = 0
for c in doc["cases"]:
    cid = c["id"]
    if c["kind"] == "evaluate" and "expected" in c:
        setdoc = sets[c["policySet"]]
        check_decision(cid, setdoc, c["request"], c["expected"])
        n += 1
    elif c["kind"] == "explain" and "expected" in c:
        x = json.loads(c["expected"])
        if canon(x) != c["expected"].encode("utf-8"):
            fails.append(cid + ": not canonical")
        setdoc = sets[c["policySet"]]
        rec = {k: v for k, v in x.items() if k not in ("type", "summary", "policy", "policyCheckId", "evaluationPath")}
        src = next(p for p in setdoc["policies"] if p["id"] == x["policyId"] and p["version"] == x["policyVersion"])
        if x["policy"] != src or x["policyDigest"] != sha(canon(src)):
            fails.append(cid + ": policy")
        if x["requestDigest"] != sha(canon(c["request"])):
            fails.append(cid + ": requestDigest")
        n += 1
    elif c["kind"] == "impact":
        r = json.loads(c["expected"])
        if canon(r) != c["expected"].encode("utf-8"):
            fails.append(cid + ": not canonical")
        if r["currentPolicySetDigest"] != sha(canon(sets[c["current"]])) or r["candidatePolicySetDigest"] != sha(canon(c["candidate"])):
            fails.append(cid + ": set digests")
        for ch in r["changes"]:
            if ch["requestDigest"] != sha(canon(json.loads(c["requests"][ch["index"]]))):
                fails.append(cid + ": change requestDigest")
        n += 1
    elif c["kind"] == "bucket":
        if c["bucket"] != bucket(c["value"]) or c["canonical"].encode("utf-8") != canon(c["value"]):
            fails.append(cid + ": bucket")
        n += 1

if fails:
    print("\n".join(fails))
    sys.exit(1)
print("policy.json: %d cases checked independently, all consistent" % n)
