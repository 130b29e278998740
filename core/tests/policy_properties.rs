//! Properties of policy evaluation over generated policy sets and requests:
//! evaluation is deterministic, the text and value paths agree, the output
//! is canonical, and the order of policies in a set never changes the
//! decision, the determining checks or the records.

use proptest::prelude::*;
use serde_json::{json, Value};
use trustcore::canonical;
use trustcore::policy::{evaluate, evaluate_value, PolicySet};

const ACTIONS: [&str; 4] = [
    "POST /kernel/allocate",
    "POST /kernel/sign",
    "GET /kernel/audit/7",
    "POST /x",
];
const PATHS: [&str; 4] = ["/a", "/b", "/c", "/subject/id"];

fn literal() -> impl Strategy<Value = Value> {
    prop_oneof![
        (-3i64..4).prop_map(|n| json!(n)),
        Just(json!(1.5)),
        prop::sample::select(vec!["x", "y", "svc-1", ""]).prop_map(|s| json!(s)),
        any::<bool>().prop_map(|b| json!(b)),
    ]
}

fn leaf() -> impl Strategy<Value = Value> {
    let path = prop::sample::select(PATHS.to_vec());
    prop_oneof![
        (
            prop::sample::select(vec!["eq", "ne"]),
            path.clone(),
            literal()
        )
            .prop_map(|(op, p, v)| json!({"op": op, "path": p, "value": v})),
        (
            prop::sample::select(vec!["lt", "le", "gt", "ge"]),
            path.clone(),
            prop_oneof![(-3i64..4).prop_map(|n| json!(n)), Just(json!("m"))]
        )
            .prop_map(|(op, p, v)| json!({"op": op, "path": p, "value": v})),
        (
            prop::sample::select(vec!["eq", "lt"]),
            path.clone(),
            path.clone()
        )
            .prop_map(|(op, p, r)| json!({"op": op, "path": p, "ref": r})),
        path.clone()
            .prop_map(|p| json!({"op": "exists", "path": p})),
        (path.clone(), prop::sample::select(vec!["x", "s*", "?"]))
            .prop_map(|(p, g)| json!({"op": "glob", "path": p, "value": g})),
        (path.clone(), prop::sample::select(vec!["sv", "x"]))
            .prop_map(|(p, s)| json!({"op": "startsWith", "path": p, "value": s})),
        path.clone()
            .prop_map(|p| json!({"op": "in", "path": p, "value": [1, 2, 3]})),
        path.clone()
            .prop_map(|p| json!({"op": "contains", "path": p, "value": "x"})),
        path.prop_map(|p| json!({"op": "subset", "path": p, "value": ["x", "y"]})),
        prop::sample::select(vec!["Operator", "SuperAdmin"])
            .prop_map(|r| json!({"op": "hasRole", "value": r})),
    ]
}

fn condition() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 1..3).prop_map(|v| json!({"all": v})),
            prop::collection::vec(inner.clone(), 1..3).prop_map(|v| json!({"any": v})),
            inner.prop_map(|c| json!({"not": c})),
        ]
    })
}

fn policy() -> impl Strategy<Value = Value> {
    (
        prop::sample::select(vec!["p.a", "p.b", "p.c", "q"]),
        1u64..3,
        prop::sample::select(vec![
            "draft",
            "test",
            "canary",
            "active",
            "active",
            "deprecated",
        ]),
        prop::sample::select(vec!["enforce", "enforce", "simulate"]),
        prop::option::of(condition()),
        prop::sample::select(vec![
            json!("deny"),
            json!("allow"),
            json!({"requireRoles": ["SuperAdmin"]}),
        ]),
        prop::option::of(prop::sample::subsequence(ACTIONS.to_vec(), 1..3)),
        0u32..=10_000,
    )
        .prop_map(|(id, version, state, mode, cond, effect, actions, bp)| {
            let mut p = json!({"id": id, "version": version, "state": state, "mode": mode,
                "severity": "medium", "effect": effect, "rationale": "generated"});
            if let Some(c) = cond {
                p["condition"] = c;
            }
            if let Some(a) = actions {
                p["target"] = json!({"actions": a});
            }
            if state == "canary" {
                p["canary"] = json!({"key": "/subject/id", "basisPoints": bp});
            }
            p
        })
}

fn policy_set() -> impl Strategy<Value = Value> {
    (
        prop::collection::vec(policy(), 0..8),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(ps, allow, rbac)| {
            // id@version must be unique: keep the first of each.
            let mut seen = Vec::new();
            let ps: Vec<Value> = ps
                .into_iter()
                .filter(|p| {
                    let k = (p["id"].clone(), p["version"].clone());
                    let fresh = !seen.contains(&k);
                    seen.push(k);
                    fresh
                })
                .collect();
            let mut s = json!({"type": "trustcore.policy-set/v1",
            "defaultDecision": if allow { "allow" } else { "deny" }, "policies": ps});
            if rbac {
                s["rbac"] = json!({"id": "rbac", "version": 1, "rationale": "seed", "rules": [
                {"action": "POST /kernel/sign", "roles": ["SuperAdmin", "Service"]},
                {"action": "GET /kernel/audit/{id}", "roles": ["Auditor", "SuperAdmin"]}]});
            }
            s
        })
}

fn request() -> impl Strategy<Value = Value> {
    let field = prop::option::of(prop_oneof![
        literal(),
        Just(json!(["x"])),
        Just(json!(["x", "z"])),
        Just(json!({"k": 1})),
    ]);
    (
        prop::sample::select(ACTIONS.to_vec()),
        field.clone(),
        field.clone(),
        field,
        prop::option::of(prop::sample::select(vec!["u1", "u2", "svc-1", "admin"])),
        prop::sample::subsequence(vec!["Operator", "SuperAdmin", "Service", "Auditor"], 0..3),
    )
        .prop_map(|(action, a, b, c, id, roles)| {
            let mut r = json!({"action": action, "subject": {"roles": roles}});
            for (k, v) in [("a", a), ("b", b), ("c", c)] {
                if let Some(v) = v {
                    r[k] = v;
                }
            }
            if let Some(id) = id {
                r["subject"]["id"] = json!(id);
            }
            r
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn deterministic_and_order_independent(
        (set, order) in policy_set().prop_flat_map(|s| {
            let n = s["policies"].as_array().map_or(0, Vec::len);
            (Just(s), Just((0..n).collect::<Vec<usize>>()).prop_shuffle())
        }),
        req in request(),
    ) {
        let loaded = PolicySet::from_value(&set).expect("generated sets are valid");
        let text = serde_json::to_vec(&req).unwrap();
        let d1 = evaluate(&loaded, &text).unwrap();
        let d2 = evaluate(&loaded, &text).unwrap();
        prop_assert_eq!(d1.to_json(), d2.to_json());
        prop_assert_eq!(evaluate_value(&loaded, &req).unwrap().to_json(), d1.to_json());
        let bytes = d1.to_bytes();
        prop_assert_eq!(canonical::canonicalize_text(&bytes).unwrap(), bytes);

        let mut shuffled = set.clone();
        let ps = set["policies"].as_array().unwrap();
        shuffled["policies"] = Value::Array(order.iter().map(|&i| ps[i].clone()).collect());
        let loaded2 = PolicySet::from_value(&shuffled).unwrap();
        let d3 = evaluate(&loaded2, &text).unwrap();
        prop_assert_eq!(d3.verdict(), d1.verdict());
        prop_assert_eq!(d3.determined_by(), d1.determined_by());
        let mut r1: Vec<String> = d1.checks().iter().map(|c| c.to_json()).collect();
        let mut r3: Vec<String> = d3.checks().iter().map(|c| c.to_json()).collect();
        // Records come out sorted; compare them as sets too, to say what is promised.
        prop_assert_eq!(&r1, &r3);
        r1.sort();
        r3.sort();
        prop_assert_eq!(r1, r3);
    }
}
