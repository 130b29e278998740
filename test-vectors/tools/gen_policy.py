#!/usr/bin/env python3
"""Writes test-vectors/policy.json: policy sets, requests and the expected
results, written by hand from docs/policy.md (not produced by trustcore).

Each evaluate / explain / impact case carries hand-written expectations
(`expect`: the decision, reason, determining policies, and one line per
check with its decision, simMode and error code; some evaluation paths).
The exact canonical bytes (`expected`) are then filled in by
`TRUSTCORE_BLESS=1 cargo test -p trustcore --test policy_vectors`, which
refuses to write bytes that contradict `expect`, and are checked
independently by `tools/check_policy.py` (PyPI rfc8785 + hashlib: digests,
record ids, buckets, deny-wins, record order). Bucket numbers are computed
here with hashlib, independently of trustcore.

Usage: python3 test-vectors/tools/gen_policy.py   (Python 3 standard library)
"""
import copy, hashlib, json, os

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "policy.json")


def jcs_scalar(v):
    # Bucket keys here are strings, integers and flat objects of strings:
    # json.dumps with sorted keys and no spaces is RFC 8785 for them.
    return json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def bucket(v):
    d = hashlib.sha256(jcs_scalar(v).encode("utf-8")).digest()
    return int.from_bytes(d[:8], "big") % 10000


def P(id, version, state, mode, severity, rationale, effect="deny", target=None, condition=None, canary=None):
    p = {"id": id, "version": version, "state": state, "mode": mode, "severity": severity,
         "effect": effect, "rationale": rationale}
    if target is not None:
        p["target"] = target
    if condition is not None:
        p["condition"] = condition
    if canary is not None:
        p["canary"] = canary
    return p


RBAC = {
    "id": "kernel-rbac", "version": 1, "rationale": "Kernel API roles (seed)",
    "rules": [
        {"action": "POST /kernel/division", "roles": ["DivisionLead", "SuperAdmin"]},
        {"action": "POST /kernel/sign", "roles": ["SuperAdmin", "Service"]},
        {"action": "GET /kernel/audit/{id}", "roles": ["Auditor", "SuperAdmin"]},
        {"action": "POST /kernel/allocate", "roles": ["Operator", "DivisionLead", "SuperAdmin"]},
    ],
}

ALLOC = {"actions": ["POST /kernel/allocate"]}
KERNEL = {
    "type": "trustcore.policy-set/v1",
    "defaultDecision": "allow",
    "rbac": RBAC,
    "policies": [
        P("allocate.limit", 1, "active", "enforce", "high", "allocations above 1000 need a manual review",
          target=ALLOC, condition={"op": "gt", "path": "/body/amount", "value": 1000}),
        P("allocate.limit", 2, "canary", "enforce", "high", "allocations above 500 need a manual review",
          target=ALLOC, condition={"op": "gt", "path": "/body/amount", "value": 500},
          canary={"key": "/subject/id", "basisPoints": 5000}),
        P("division.same", 1, "active", "enforce", "medium", "operators allocate only within their own division",
          target=ALLOC, condition={"all": [
              {"not": {"op": "hasRole", "value": "SuperAdmin"}},
              {"not": {"op": "eq", "path": "/subject/division", "ref": "/body/division"}}]}),
        P("sign.manifest-prefix", 1, "active", "simulate", "low", "only files under manifests/ are signed",
          target={"actions": ["POST /kernel/sign"]},
          condition={"not": {"op": "glob", "path": "/body/manifest", "value": "manifests/*.json"}}),
        P("audit.read-hours", 1, "test", "enforce", "low", "audit reads are expected after 2026-01-01",
          target={"actions": ["GET /kernel/audit/*"]},
          condition={"op": "lt", "path": "/context/time", "value": "2026-01-01T00:00:00Z"}),
        P("legacy.block", 1, "deprecated", "enforce", "critical", "retired: denied everything"),
        P("draft.block", 1, "draft", "enforce", "critical", "unfinished: would deny everything"),
        P("export.tags", 1, "active", "enforce", "high", "exports carry no PII and only id, ts, type",
          target={"actions": ["POST /kernel/export"]},
          condition={"any": [
              {"op": "contains", "path": "/body/tags", "value": "pii"},
              {"not": {"op": "subset", "path": "/body/fields", "value": ["id", "ts", "type"]}}]}),
        P("export.allow-auditors", 1, "active", "enforce", "low", "auditors may export",
          effect="allow", target={"actions": ["POST /kernel/export"]},
          condition={"op": "hasAnyRole", "value": ["Auditor", "SuperAdmin"]}),
        P("division.create-roles", 1, "active", "enforce", "high", "gold and platinum divisions are created by a SuperAdmin",
          effect={"requireRoles": ["SuperAdmin"]}, target={"actions": ["POST /kernel/division"]},
          condition={"op": "in", "path": "/body/tier", "value": ["gold", "platinum"]}),
        P("division.frozen", 1, "active", "enforce", "critical", "frozen divisions take no changes",
          target={"actions": ["POST /kernel/division"], "resources": ["division/frozen-*"]}),
        P("sign.service-prefix", 1, "active", "enforce", "medium", "service identities are named svc-*",
          target={"actions": ["POST /kernel/sign"]},
          condition={"all": [{"op": "hasRole", "value": "Service"},
                             {"not": {"op": "startsWith", "path": "/subject/id", "value": "svc-"}}]}),
    ],
}

STRICT = {
    "type": "trustcore.policy-set/v1",
    "defaultDecision": "deny",
    "request": {"action": "/op", "roles": "/who/roles"},
    "policies": [
        P("docs.read", 1, "active", "enforce", "low", "verified readers of level 1 and up may read docs",
          effect="allow", target={"actions": ["GET /docs/*"]},
          condition={"all": [{"op": "eq", "path": "/who/verified", "value": True},
                             {"op": "ge", "path": "/who/level", "value": 1}]}),
    ],
}


def C(pid, ver, decision, sim=False, error=None):
    c = {"policyId": pid, "policyVersion": ver, "decision": decision, "simMode": sim}
    if error:
        c["error"] = error
    return c


RB = lambda d, e=None: C("kernel-rbac", 1, d, False, e)


def subj(id, roles, **kw):
    s = {"roles": roles}
    if id is not None:
        s["id"] = id
    s.update(kw)
    return s


def alloc(id, amount=100, roles=("Operator",), sdiv="ops", bdiv="ops", **extra):
    body = {"division": bdiv}
    if amount is not None:
        body["amount"] = amount
    return {"action": "POST /kernel/allocate", "subject": subj(id, list(roles), division=sdiv), "body": body, **extra}


def sign(id, roles, manifest):
    return {"action": "POST /kernel/sign", "subject": subj(id, roles), "body": {"manifest": manifest}}


def ev(cid, desc, req, decision, reason, by, checks, set_name="kernel", paths=None):
    c = {"id": cid, "description": desc, "kind": "evaluate", "policySet": set_name, "request": req,
         "expect": {"decision": decision, "reason": reason, "determinedBy": by, "checks": checks},
         "expected": None}
    if paths:
        c["expect"]["paths"] = paths
    return c


cases = []
A = cases.append

# --- RBAC table (seed rules) ---
A(ev("rbac/sign-superadmin", "POST /kernel/sign by a SuperAdmin is allowed by RBAC; simulated and non-matching policies abstain",
     sign("admin-1", ["SuperAdmin"], "manifests/a.json"), "allow", "allow", ["kernel-rbac@1"],
     [RB("allow"), C("sign.manifest-prefix", 1, "abstain", True), C("sign.service-prefix", 1, "abstain")],
     paths={"kernel-rbac@1": [["/rules/1", "requireRoles", True]],
            "sign.service-prefix@1": [["/condition", "all", False], ["/condition/all/0", "hasRole", False]]}))
A(ev("rbac/sign-service", "POST /kernel/sign by a Service named svc-* is allowed",
     sign("svc-kms", ["Service"], "manifests/b.json"), "allow", "allow", ["kernel-rbac@1"],
     [RB("allow"), C("sign.manifest-prefix", 1, "abstain", True), C("sign.service-prefix", 1, "abstain")]))
A(ev("rbac/sign-operator", "POST /kernel/sign by an Operator is denied by RBAC (SuperAdmin | Service)",
     sign("op-7", ["Operator"], "manifests/c.json"), "deny", "deny", ["kernel-rbac@1"],
     [RB("deny"), C("sign.manifest-prefix", 1, "abstain", True), C("sign.service-prefix", 1, "abstain")]))
A(ev("rbac/audit-auditor", "GET /kernel/audit/{id} by an Auditor is allowed; the test-state policy runs simulated",
     {"action": "GET /kernel/audit/42", "subject": subj("a-1", ["Auditor"]), "context": {"time": "2026-03-01T00:00:00Z"}},
     "allow", "allow", ["kernel-rbac@1"], [C("audit.read-hours", 1, "abstain", True), RB("allow")],
     paths={"kernel-rbac@1": [["/rules/2", "requireRoles", True]]}))
A(ev("rbac/audit-operator", "GET /kernel/audit/{id} by an Operator is denied by RBAC (Auditor | SuperAdmin)",
     {"action": "GET /kernel/audit/42", "subject": subj("o-1", ["Operator"]), "context": {"time": "2026-03-01T00:00:00Z"}},
     "deny", "deny", ["kernel-rbac@1"], [C("audit.read-hours", 1, "abstain", True), RB("deny")]))
A(ev("rbac/audit-extra-segment", "{id} matches one segment: GET /kernel/audit/42/raw has no RBAC rule; a simulated policy's missing_field error is recorded but does not deny",
     {"action": "GET /kernel/audit/42/raw", "subject": subj("a-1", ["Auditor"])},
     "allow", "default", [], [C("audit.read-hours", 1, "deny", True, "missing_field")]))
A(ev("rbac/division-lead", "POST /kernel/division by a DivisionLead is allowed; a policy whose resource glob does not match does not apply",
     {"action": "POST /kernel/division", "resource": "division/ops", "subject": subj("d-1", ["DivisionLead"]), "body": {"tier": "silver"}},
     "allow", "allow", ["kernel-rbac@1"], [C("division.create-roles", 1, "abstain"), RB("allow")]))
A(ev("rbac/division-operator", "POST /kernel/division by an Operator is denied by RBAC",
     {"action": "POST /kernel/division", "resource": "division/ops", "subject": subj("o-1", ["Operator"]), "body": {"tier": "silver"}},
     "deny", "deny", ["kernel-rbac@1"], [C("division.create-roles", 1, "abstain"), RB("deny")]))
A(ev("rbac/allocate-operator", "POST /kernel/allocate by an Operator within limits is allowed; the canary (bucket of \"u1\" = %d >= 5000) is simulated" % bucket("u1"),
     alloc("u1"), "allow", "allow", ["kernel-rbac@1"],
     [C("allocate.limit", 1, "abstain"), C("allocate.limit", 2, "abstain", True), C("division.same", 1, "abstain"), RB("allow")],
     paths={"division.same@1": [["/condition", "all", False], ["/condition/all/0", "not", True],
                                ["/condition/all/0/not", "hasRole", False], ["/condition/all/1", "not", False],
                                ["/condition/all/1/not", "eq", True]]}))
A(ev("rbac/allocate-auditor", "POST /kernel/allocate by an Auditor is denied by RBAC (Operator | DivisionLead | SuperAdmin)",
     alloc("u1", roles=["Auditor"]), "deny", "deny", ["kernel-rbac@1"],
     [C("allocate.limit", 1, "abstain"), C("allocate.limit", 2, "abstain", True), C("division.same", 1, "abstain"), RB("deny")]))
A(ev("rbac/no-roles", "a request without roles has none: RBAC denies",
     {"action": "POST /kernel/sign", "subject": {"id": "x"}, "body": {"manifest": "manifests/a.json"}}, "deny", "deny", ["kernel-rbac@1"],
     [RB("deny"), C("sign.manifest-prefix", 1, "abstain", True), C("sign.service-prefix", 1, "abstain")]))

# --- effects, targets, fail-closed ---
A(ev("effect/require-roles-denies", "a gold division needs a SuperAdmin: requireRoles denies a DivisionLead although RBAC allows; deny wins",
     {"action": "POST /kernel/division", "resource": "division/ops", "subject": subj("d-1", ["DivisionLead"]), "body": {"tier": "gold"}},
     "deny", "deny", ["division.create-roles@1"], [C("division.create-roles", 1, "deny"), RB("allow")],
     paths={"division.create-roles@1": [["/condition", "in", True], ["/effect", "requireRoles", False]]}))
A(ev("effect/require-roles-allows", "a SuperAdmin creates a gold division",
     {"action": "POST /kernel/division", "resource": "division/ops", "subject": subj("s-1", ["SuperAdmin"]), "body": {"tier": "platinum"}},
     "allow", "allow", ["division.create-roles@1", "kernel-rbac@1"], [C("division.create-roles", 1, "allow"), RB("allow")]))
A(ev("target/resource-glob", "a policy without condition denies every request its resource glob matches",
     {"action": "POST /kernel/division", "resource": "division/frozen-7", "subject": subj("s-1", ["SuperAdmin"]), "body": {"tier": "silver"}},
     "deny", "deny", ["division.frozen@1"], [C("division.create-roles", 1, "abstain"), C("division.frozen", 1, "deny"), RB("allow")]))
A(ev("fail-closed/missing-resource", "a policy aimed at resources applies to a request without one, fails with missing_field and denies (fail closed)",
     {"action": "POST /kernel/division", "subject": subj("s-1", ["SuperAdmin"]), "body": {"tier": "silver"}},
     "deny", "deny", ["division.frozen@1"],
     [C("division.create-roles", 1, "abstain"), C("division.frozen", 1, "deny", False, "missing_field"), RB("allow")],
     paths={"division.frozen@1": [["/target/resources", "target", "missing_field"]]}))
A(ev("fail-closed/type-mismatch", "comparing the string \"5000\" with a number is a type_mismatch: the enforced policy denies, the simulated canary records it",
     alloc("u1", amount="5000"), "deny", "deny", ["allocate.limit@1"],
     [C("allocate.limit", 1, "deny", False, "type_mismatch"), C("allocate.limit", 2, "deny", True, "type_mismatch"),
      C("division.same", 1, "abstain"), RB("allow")],
     paths={"allocate.limit@1": [["/condition", "gt", "type_mismatch"]]}))
A(ev("fail-closed/missing-field", "gt on an absent field is a missing_field error, not false: the enforced policy denies",
     alloc("u1", amount=None), "deny", "deny", ["allocate.limit@1"],
     [C("allocate.limit", 1, "deny", False, "missing_field"), C("allocate.limit", 2, "deny", True, "missing_field"),
      C("division.same", 1, "abstain"), RB("allow")]))
A(ev("fail-closed/roles-not-array", "roles that are not an array of strings: hasRole and RBAC fail with type_mismatch and deny",
     {"action": "POST /kernel/allocate", "subject": {"id": "u1", "roles": "Operator", "division": "ops"}, "body": {"amount": 100, "division": "ops"}},
     "deny", "deny", ["division.same@1", "kernel-rbac@1"],
     [C("allocate.limit", 1, "abstain"), C("allocate.limit", 2, "abstain", True),
      C("division.same", 1, "deny", False, "type_mismatch"), RB("deny", "type_mismatch")]))
A(ev("condition/over-limit", "amount 5000 > 1000: the active policy denies (the simulated canary would too)",
     alloc("u1", amount=5000), "deny", "deny", ["allocate.limit@1"],
     [C("allocate.limit", 1, "deny"), C("allocate.limit", 2, "deny", True), C("division.same", 1, "abstain"), RB("allow")]))
A(ev("condition/ref-cross-division", "eq with ref compares two request fields: an Operator allocating to another division is denied",
     alloc("u1", bdiv="finance"), "deny", "deny", ["division.same@1"],
     [C("allocate.limit", 1, "abstain"), C("allocate.limit", 2, "abstain", True), C("division.same", 1, "deny"), RB("allow")]))
A(ev("condition/short-circuit", "all stops at the first false child: for a SuperAdmin the ref comparison is never evaluated",
     alloc("u1", roles=["SuperAdmin"], bdiv="finance"), "allow", "allow", ["kernel-rbac@1"],
     [C("allocate.limit", 1, "abstain"), C("allocate.limit", 2, "abstain", True), C("division.same", 1, "abstain"), RB("allow")],
     paths={"division.same@1": [["/condition", "all", False], ["/condition/all/0", "not", False],
                                ["/condition/all/0/not", "hasRole", True]]}))
A(ev("condition/contains", "contains on an array: a pii tag denies the export although the auditor's allow policy applies (deny wins)",
     {"action": "POST /kernel/export", "subject": subj("e-1", ["Auditor"]), "body": {"tags": ["ops", "pii"], "fields": ["id"]}},
     "deny", "deny", ["export.tags@1"], [C("export.allow-auditors", 1, "allow"), C("export.tags", 1, "deny")],
     paths={"export.tags@1": [["/condition", "any", True], ["/condition/any/0", "contains", True]]}))
A(ev("condition/subset-allows", "fields within the allowed subset: the deny policy abstains and the allow policy decides",
     {"action": "POST /kernel/export", "subject": subj("e-1", ["Auditor"]), "body": {"tags": ["ops"], "fields": ["id", "ts"]}},
     "allow", "allow", ["export.allow-auditors@1"], [C("export.allow-auditors", 1, "allow"), C("export.tags", 1, "abstain")]))
A(ev("condition/subset-denies", "a field outside the subset denies the export",
     {"action": "POST /kernel/export", "subject": subj("o-1", ["Operator"]), "body": {"tags": [], "fields": ["id", "email"]}},
     "deny", "deny", ["export.tags@1"], [C("export.allow-auditors", 1, "abstain"), C("export.tags", 1, "deny")]))
A(ev("condition/starts-with", "a Service whose id does not start with svc- is denied",
     sign("kms-1", ["Service"], "manifests/d.json"), "deny", "deny", ["sign.service-prefix@1"],
     [RB("allow"), C("sign.manifest-prefix", 1, "abstain", True), C("sign.service-prefix", 1, "deny")]))

# --- simulate, canary, lifecycle ---
A(ev("simulate/would-deny", "a simulate-mode policy that would deny is recorded with simMode true and does not change the decision",
     sign("admin-1", ["SuperAdmin"], "other/x.txt"), "allow", "allow", ["kernel-rbac@1"],
     [RB("allow"), C("sign.manifest-prefix", 1, "deny", True), C("sign.service-prefix", 1, "abstain")]))
A(ev("canary/selected", "bucket of \"u2\" = %d < 5000: the canary enforces and denies 700" % bucket("u2"),
     alloc("u2", amount=700), "deny", "deny", ["allocate.limit@2"],
     [C("allocate.limit", 1, "abstain"), C("allocate.limit", 2, "deny"), C("division.same", 1, "abstain"), RB("allow")]))
A(ev("canary/not-selected", "bucket of \"u1\" = %d >= 5000: the canary is simulated; its would-be deny is recorded" % bucket("u1"),
     alloc("u1", amount=700), "allow", "allow", ["kernel-rbac@1"],
     [C("allocate.limit", 1, "abstain"), C("allocate.limit", 2, "deny", True), C("division.same", 1, "abstain"), RB("allow")]))
A(ev("canary/missing-key", "a request without the canary key cannot be bucketed: the canary is simulated for it",
     {"action": "POST /kernel/allocate", "subject": {"roles": ["Operator"], "division": "ops"}, "body": {"amount": 700, "division": "ops"}},
     "allow", "allow", ["kernel-rbac@1"],
     [C("allocate.limit", 1, "abstain"), C("allocate.limit", 2, "deny", True), C("division.same", 1, "abstain"), RB("allow")]))
A(ev("lifecycle/no-target-draft-deprecated", "an action no policy targets: the draft and deprecated deny-everything policies do not apply; default allow",
     {"action": "POST /kernel/ping", "subject": subj("x", [])}, "allow", "default", [], []))

# --- default decision (strict set, custom request pointers) ---
A(ev("default/deny-without-opinion", "defaultDecision deny: an allow policy that abstains leaves the default",
     {"op": "GET /docs/a", "who": {"verified": False, "level": 3, "roles": []}}, "deny", "default", [],
     [C("docs.read", 1, "abstain")], set_name="strict",
     paths={"docs.read@1": [["/condition", "all", False], ["/condition/all/0", "eq", False]]}))
A(ev("default/allow-policy", "an enforced allow policy decides under defaultDecision deny; 1.0 >= 1",
     {"op": "GET /docs/a", "who": {"verified": True, "level": 1.0, "roles": []}}, "allow", "allow", ["docs.read@1"],
     [C("docs.read", 1, "allow")], set_name="strict"))
A(ev("default/no-policy", "no policy applies under defaultDecision deny",
     {"op": "POST /x", "who": {}}, "deny", "default", [], [], set_name="strict"))

# --- request errors (no decision: the caller must deny) ---
def req_err(cid, desc, text, code, path=None, offset=None, errkind="PolicyError", set_name="kernel"):
    e = {"kind": errkind, "code": code}
    if path is not None:
        e["path"] = path
    if offset is not None:
        e["offset"] = offset
    return {"id": cid, "description": desc, "kind": "evaluate", "policySet": set_name, "requestText": text, "error": e}

A(req_err("request/not-object", "a request must be an object", "[1]", "invalid_request", path=""))
A(req_err("request/no-action", "a request must have an action string", '{"subject":{}}', "invalid_request", path="/action"))
A(req_err("request/action-not-string", "the action must be a string", '{"action":7}', "invalid_request", path="/action"))
A(req_err("request/duplicate-key", "request text is strict I-JSON: duplicate names are rejected", '{"action":"POST /kernel/sign","action":"GET /x"}',
          "duplicate_key", offset=30, errkind="CanonicalJsonError"))
A(req_err("request/lossy-integer", "request text is strict I-JSON: lossy integers are rejected", '{"action":"POST /x","n":9007199254740993}',
          "number_out_of_range", offset=24, errkind="CanonicalJsonError"))

# --- loading errors ---
def base_policy(**kw):
    p = P("p", 1, "active", "enforce", "low", "r", condition={"op": "exists", "path": "/x"})
    p.update(kw)
    return p


def load_err(cid, desc, doc, code, path, errkind="PolicyError"):
    return {"id": cid, "description": desc, "kind": "load", "policySetDoc": doc,
            "error": {"kind": errkind, "code": code, "path": path}}


def S(*policies, **kw):
    d = {"type": "trustcore.policy-set/v1", "defaultDecision": "allow", "policies": list(policies)}
    d.update(kw)
    return d

A(load_err("load/unknown-operator", "an unknown op names its place", S(base_policy(condition={"all": [
    {"op": "exists", "path": "/a"}, {"op": "regex", "path": "/b", "value": "x"}]})), "unknown_operator", "/policies/0/condition/all/1/op"))
A(load_err("load/unknown-combinator", "an object without op must be all / any / not", S(base_policy(condition={"allOf": []})),
           "unknown_operator", "/policies/0/condition/allOf"))
A(load_err("load/bad-pointer", "a path must be an RFC 6901 pointer", S(base_policy(condition={"op": "eq", "path": "body/amount", "value": 1})),
           "invalid_pointer", "/policies/0/condition/path"))
A(load_err("load/bad-pointer-escape", "~ must be followed by 0 or 1", S(base_policy(condition={"op": "exists", "path": "/a~2"})),
           "invalid_pointer", "/policies/0/condition/path"))
A(load_err("load/bad-ref", "ref is a pointer too", S(base_policy(condition={"op": "eq", "path": "/a", "ref": "a"})),
           "invalid_pointer", "/policies/0/condition/ref"))
A(load_err("load/lt-boolean", "lt compares numbers or strings", S(base_policy(condition={"op": "lt", "path": "/a", "value": True})),
           "type_mismatch", "/policies/0/condition/value"))
A(load_err("load/in-mixed-types", "in values share one type", S(base_policy(condition={"op": "in", "path": "/a", "value": ["x", 1]})),
           "type_mismatch", "/policies/0/condition/value/1"))
A(load_err("load/glob-number", "glob takes a pattern string", S(base_policy(condition={"not": {"op": "glob", "path": "/a", "value": 5}})),
           "type_mismatch", "/policies/0/condition/not/value"))
A(load_err("load/has-any-role-empty", "hasAnyRole takes a non-empty array of names", S(base_policy(condition={"op": "hasAnyRole", "value": []})),
           "type_mismatch", "/policies/0/condition/value"))
A(load_err("load/exists-with-value", "exists takes no value", S(base_policy(condition={"op": "exists", "path": "/a", "value": 1})),
           "invalid_policy", "/policies/0/condition/value"))
A(load_err("load/empty-all", "an empty all would be a silent constant", S(base_policy(condition={"all": []})),
           "invalid_policy", "/policies/0/condition/all"))
A(load_err("load/duplicate-id-version", "id@version is unique; reported at the later one", S(base_policy(), base_policy(state="draft")),
           "duplicate_policy", "/policies/1/version"))
A(load_err("load/rbac-id-clash", "a policy id may not equal the RBAC table's id", S(base_policy(id="kernel-rbac"), rbac=RBAC),
           "duplicate_policy", "/policies/0/id"))
A(load_err("load/rbac-duplicate-shape", "two RBAC rules of the same shape", S(rbac={"id": "r", "version": 1, "rationale": "x", "rules": [
    {"action": "GET /a/{x}", "roles": ["A"]}, {"action": "GET /a/{y}", "roles": ["B"]}]}), "duplicate_policy", "/rbac/rules/1/action"))
A(load_err("load/rbac-bad-action", "an RBAC action is METHOD /path", S(rbac={"id": "r", "version": 1, "rationale": "x", "rules": [
    {"action": "post /kernel/sign", "roles": ["A"]}]}), "invalid_policy", "/rbac/rules/0/action"))
A(load_err("load/unsupported-type", "an unknown set format version", dict(S(), type="trustcore.policy-set/v2"), "unsupported_format", "/type"))
A(load_err("load/missing-type", "the set names its format", {"defaultDecision": "allow", "policies": []}, "invalid_policy", ""))
A(load_err("load/missing-default", "defaultDecision is required", {"type": "trustcore.policy-set/v1", "policies": []}, "invalid_policy", ""))
A(load_err("load/unknown-field", "unknown fields are refused, not ignored", S(base_policy(priority=1)), "invalid_policy", "/policies/0/priority"))
A(load_err("load/bad-state", "state is one of the lifecycle states", S(base_policy(state="live")), "invalid_policy", "/policies/0/state"))
A(load_err("load/bad-mode", "mode is enforce or simulate", S(base_policy(mode="audit")), "invalid_policy", "/policies/0/mode"))
A(load_err("load/version-zero", "versions start at 1", S(base_policy(version=0)), "invalid_policy", "/policies/0/version"))
A(load_err("load/version-fraction", "versions are integers", S(base_policy(version=1.5)), "invalid_policy", "/policies/0/version"))
A(load_err("load/empty-rationale", "the rationale says why", S(base_policy(rationale=" ")), "invalid_policy", "/policies/0/rationale"))
A(load_err("load/canary-without-share", "a canary policy declares its share", S(base_policy(state="canary")), "invalid_policy", "/policies/0"))
A(load_err("load/canary-share-too-big", "basisPoints is at most 10000", S(base_policy(state="canary", canary={"key": "/u", "basisPoints": 10001})),
           "invalid_policy", "/policies/0/canary/basisPoints"))
A(load_err("load/canary-on-active", "canary applies only in state canary", S(base_policy(canary={"key": "/u", "basisPoints": 10})),
           "invalid_policy", "/policies/0/canary"))
A(load_err("load/bad-glob", "a target glob may not end with a lone backslash", S(base_policy(target={"actions": ["POST /a\\"]})),
           "invalid_policy", "/policies/0/target/actions/0"))
A(load_err("load/bad-effect", "effect is deny, allow or requireRoles", S(base_policy(effect="block")), "invalid_policy", "/policies/0/effect"))
A({"id": "load/duplicate-key-text", "description": "the set text is strict I-JSON", "kind": "load",
   "policySetText": '{"type":"trustcore.policy-set/v1","type":"x"}',
   "error": {"kind": "CanonicalJsonError", "code": "duplicate_key", "offset": 34}})
A({"id": "load/kernel-valid", "description": "the kernel set used by the evaluate cases loads", "kind": "load", "policySet": "kernel", "valid": True})

# --- updates (lifecycle transitions) ---
def upd(cid, desc, mutate, error=None):
    cand = copy.deepcopy(KERNEL)
    mutate(cand)
    c = {"id": cid, "description": desc, "kind": "update", "current": "kernel", "candidate": cand}
    if error:
        c["error"] = {"kind": "PolicyError", "code": error[0], "path": error[1]}
    else:
        c["valid"] = True
    return c

def find(doc, pid, ver):
    return next(i for i, p in enumerate(doc["policies"]) if p["id"] == pid and p["version"] == ver)

def promote(d):
    i = find(d, "allocate.limit", 2)
    d["policies"][i]["state"] = "active"
    del d["policies"][i]["canary"]
    d["policies"][find(d, "allocate.limit", 1)]["state"] = "deprecated"

A(upd("update/promote-canary", "canary → active and active → deprecated are allowed", promote))
A(upd("update/mode-change", "mode may change without a new version", lambda d: d["policies"][find(d, "sign.manifest-prefix", 1)].update(mode="enforce")))
A(upd("update/remove-deprecated-and-draft", "deprecated and draft policies may be removed",
      lambda d: d.update(policies=[p for p in d["policies"] if p["id"] not in ("legacy.block", "draft.block")])))
A(upd("update/new-policy-in-test", "a new id@version may start in test",
      lambda d: d["policies"].append(P("new.rule", 1, "test", "enforce", "low", "trial"))))
A(upd("update/draft-to-active", "draft cannot jump to active", lambda d: d["policies"][find(d, "draft.block", 1)].update(state="active"),
      ("invalid_transition", "/policies/%d/state" % find(KERNEL, "draft.block", 1))))
A(upd("update/deprecated-to-active", "deprecated is final", lambda d: d["policies"][find(d, "legacy.block", 1)].update(state="active"),
      ("invalid_transition", "/policies/%d/state" % find(KERNEL, "legacy.block", 1))))
A(upd("update/active-to-canary", "active cannot go back to canary", lambda d: d["policies"][find(d, "export.tags", 1)].update(
    state="canary", canary={"key": "/subject/id", "basisPoints": 100}), ("invalid_transition", "/policies/%d/state" % find(KERNEL, "export.tags", 1))))
A(upd("update/remove-active", "an active policy must be deprecated before removal",
      lambda d: d["policies"].pop(find(d, "export.tags", 1)), ("invalid_transition", "/policies")))
A(upd("update/new-policy-active", "a new id@version must start as draft or test",
      lambda d: d["policies"].append(P("new.rule", 1, "active", "enforce", "low", "trial")), ("invalid_transition", "/policies/12/state")))
A(upd("update/modified-version", "changing a condition needs a new version",
      lambda d: d["policies"][0]["condition"].update(value=2000), ("modified_version", "/policies/0")))

# --- canary buckets (independent: hashlib here) ---
for v in ["u1", "u2", "user-1", "admin-1", "é", 42, {"user": "b", "tenant": "a"}, ""]:
    A({"id": "bucket/%s" % jcs_scalar(v).replace("/", "_"), "description": "bucket = SHA-256(canonical JSON) first 8 bytes big-endian mod 10000; canonical form %s" % jcs_scalar(v),
       "kind": "bucket", "value": v, "canonical": jcs_scalar(v), "bucket": bucket(v)})

# --- explain ---
A({"id": "explain/over-limit", "description": "explain the enforced deny of allocate.limit@1 for amount 5000", "kind": "explain",
   "policySet": "kernel", "request": alloc("u1", amount=5000), "check": "allocate.limit@1",
   "expect": {"summary": "allocate.limit@1 denied: allocations above 1000 need a manual review",
              "leafEvidence": {"/condition": [{"pointer": "/body/amount", "value": 5000}]}},
   "expected": None})
A({"id": "explain/simulated-error", "description": "explain a simulated policy's evaluation error", "kind": "explain",
   "policySet": "kernel", "request": {"action": "GET /kernel/audit/42/raw", "subject": subj("a-1", ["Auditor"])}, "check": "audit.read-hours@1",
   "expect": {"summary": "audit.read-hours@1 denied because evaluation failed (missing_field: lt needs the request field \"/context/time\", which is absent) [simulated: did not affect the decision]: audit reads are expected after 2026-01-01",
              "leafEvidence": {"/condition": [{"pointer": "/context/time", "missing": True}]}},
   "expected": None})
A({"id": "explain/tampered", "description": "a record whose content no longer matches its id is refused", "kind": "explain",
   "policySet": "kernel", "request": alloc("u1", amount=5000), "check": "allocate.limit@1", "tamper": {"decision": "allow"},
   "error": {"kind": "PolicyError", "code": "invalid_record", "path": "/id"}})
A({"id": "explain/wrong-set", "description": "a record explained against a set without its policy", "kind": "explain",
   "policySet": "kernel", "explainWith": "strict", "request": alloc("u1", amount=5000), "check": "allocate.limit@1",
   "error": {"kind": "PolicyError", "code": "policy_not_found", "path": "/policyId"}})

# --- impact ---
cand = copy.deepcopy(KERNEL)
promote(cand)
A({"id": "impact/promote-canary", "description": "promoting allocate.limit@2 (> 500) to active and deprecating @1 (> 1000): only the 700 request outside the canary share changes",
   "kind": "impact", "current": "kernel", "candidate": cand,
   "requests": [json.dumps(alloc("u1", amount=100)), json.dumps(alloc("u1", amount=700)), json.dumps(alloc("u2", amount=700)),
                json.dumps(alloc("u1", amount=5000)), "[]"],
   "expect": {"changed": 1, "allowToDeny": 1, "denyToAllow": 0, "unchanged": 3, "changedIndexes": [1],
              "responsible": [["allocate.limit@2"]], "invalidIndexes": [4]},
   "expected": None})

doc = {
    "format": "trustcore-vectors/policy",
    "version": 1,
    "description": "SentinelNet policy evaluation: loading errors, decisions with their exact policyCheck records, lifecycle updates, canary buckets, explanations and impact reports. Cases and expectations are written by hand in tools/gen_policy.py; the exact bytes are filled by the Rust runner only where they agree with the hand-written expectations, and checked independently by tools/check_policy.py. See README.md.",
    "policySets": {"kernel": KERNEL, "strict": STRICT},
    "cases": cases,
}

if __name__ == "__main__":
    old = {}
    if os.path.exists(OUT):
        # Keep already-blessed bytes of cases whose inputs did not change.
        prev = json.load(open(OUT, encoding="utf-8"))
        if prev.get("policySets") == doc["policySets"]:
            for c in prev.get("cases", []):
                old[c["id"]] = c
    for c in cases:
        o = old.get(c["id"])
        if o is not None and "expected" in c and {k: v for k, v in o.items() if k != "expected"} == {k: v for k, v in c.items() if k != "expected"}:
            c["expected"] = o.get("expected")
    # Sorted keys, two-space indent, UTF-8 as is: exactly what the Rust
    # runner's TRUSTCORE_BLESS=1 writes (serde_json::to_string_pretty), so
    # generating and blessing agree byte for byte and CI can check that this
    # generator reproduces the committed file.
    with open(OUT, "w", encoding="utf-8", newline="\n") as f:
        json.dump(doc, f, indent=2, ensure_ascii=False, sort_keys=True)
        f.write("\n")
    print("wrote %s: %d cases" % (OUT, len(cases)))
