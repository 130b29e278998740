#!/usr/bin/env python3
"""Writes the benchmark corpus used by every trustcore benchmark.

    python3 benches/gen_corpus.py          # from the repository root, or any cwd

Outputs (next to this script, in ``corpus/``, which git ignores):

* ``events.jsonl``: 2,000 realistic audit events, one JSON document a line,
  about 700 bytes each: UUIDs, RFC 3339 timestamps, nested payloads, floats
  and integers (some near 2^53), text in several scripts (French, German,
  Greek, Russian, CJK, emoji), escapes (``\\n``, ``\\"``, ``\\u00e9``,
  surrogate pairs), member names out of order, and some whitespace.
* ``large.json``: one document over 1 MB (an object holding an array of such
  events, a long string and some metadata).

Deterministic: the same bytes on every run and every machine (fixed seed,
standard library only, no clock). Every document is valid I-JSON that
trustcore canonicalizes (no duplicate names, integers within ±(2^53−1)).
"""

import json
import os
import random
import sys

SEED = 20261123
N_EVENTS = 2000
LARGE_EVENTS = 1500
LARGE_MIN_BYTES = 1 << 20

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")

EVENT_TYPES = [
    "payment.authorized", "payment.captured", "payment.refunded",
    "user.login", "user.logout", "user.role_granted", "policy.check",
    "document.signed", "snapshot.created", "key.rotated",
]
ROLES = ["admin", "auditor", "operator", "viewer", "billing", "support", "signer"]
CURRENCIES = ["EUR", "USD", "JPY", "CHF", "GBP", "CNY"]
TEXTS = [
    "Café crème et pain au chocolat — livré à 8 h 30",
    "Überweisung für Straße Nr. 12, Größe XL, Müller GmbH",
    "Ελληνικά: καλημέρα κόσμε",
    "Русский текст: счёт оплачен",
    "注文が確認されました。ありがとうございます",
    "订单已发货，请注意查收",
    "결제가 완료되었습니다",
    "Deployment finished 🚀 all checks passed ✅",
    "Refund approved 💶 (partial) 👍",
    "plain ascii note for the audit trail",
    "Line one\nLine two\twith a tab",
    'He said "approved" and left',
    "path C:\\temp\\report.csv uploaded",
    "naïve façade, coöperate, résumé",
]
NAMES = [
    "Zoë Dupont", "Jürgen Weiß", "Σοφία Παπαδοπούλου", "Иван Петров",
    "山田太郎", "李小龙", "Ana María López", "Ola Nordmann", "O'Brien, Seán",
]


def uuid(rng):
    h = "%032x" % rng.getrandbits(128)
    # Version 4, RFC 4122 variant.
    return "%s-%s-4%s-%x%s-%s" % (
        h[:8], h[8:12], h[13:16], 8 + rng.randrange(4), h[17:20], h[20:32])


def timestamp(rng, seq):
    s = 1_795_000_000 + seq * 37 + rng.randrange(30)
    days, rem = divmod(s, 86400)
    # Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    y += m <= 2
    return "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ" % (
        y, m, d, rem // 3600, rem // 60 % 60, rem % 60, rng.randrange(1000))


def shuffled(rng, d):
    """The same members in a random order (canonical order is sorted)."""
    items = list(d.items())
    rng.shuffle(items)
    return dict(items)


def amount(rng):
    kind = rng.randrange(6)
    if kind == 0:
        return rng.randrange(1, 10_000)  # integer minor units
    if kind == 1:
        return rng.randrange(1, 1 << 53)  # large but safe integer
    if kind == 2:
        return round(rng.uniform(0, 10_000), 2)
    if kind == 3:
        return rng.uniform(-1, 1) * 10 ** rng.randrange(-9, 22)  # exponents
    if kind == 4:
        return rng.choice([0.1, 0.2, 0.30000000000000004, 1e21, 1e-7, 5e-324, -0.0])
    return rng.random()


def event(rng, seq):
    items = [
        shuffled(rng, {
            "sku": "SKU-%06d" % rng.randrange(10 ** 6),
            "qty": rng.randrange(1, 50),
            "unit_price": round(rng.uniform(0.5, 500), 2),
            "title": rng.choice(TEXTS),
        })
        for _ in range(1 if rng.random() < 0.8 else 2)
    ]
    payload = {
        "order": shuffled(rng, {
            "amount": amount(rng),
            "currency": rng.choice(CURRENCIES),
            "items": items,
        }),
        "counters": shuffled(rng, {
            "bytes": rng.randrange(1 << 53),
            "ratio": amount(rng),
            "retries": rng.randrange(5),
        }),
        "flags": shuffled(rng, {"dry_run": rng.random() < 0.2, "manual": rng.random() < 0.5,
                                "reason": None}),
    }
    if rng.random() < 0.6:
        payload["note"] = rng.choice(TEXTS)
    if rng.random() < 0.4:
        payload["geo"] = {"lat": round(rng.uniform(-90, 90), 6),
                          "lon": round(rng.uniform(-180, 180), 6)}
    if rng.random() < 0.3:
        payload["labels"] = {rng.choice(["é", "z", "a", "Ω", "日本", "😀", "\ue000", "A", "b"]) + str(k): k
                             for k in range(rng.randrange(1, 5))}
    ev = {
        "id": uuid(rng),
        "seq": seq,
        "ts": timestamp(rng, seq),
        "event_type": rng.choice(EVENT_TYPES),
        "actor": shuffled(rng, {
            "id": "usr_" + uuid(rng)[:8],
            "display_name": rng.choice(NAMES),
            "roles": rng.sample(ROLES, rng.randrange(1, 4)),
        }),
        "tenant": "tenant-%03d" % rng.randrange(200),
        "payload": shuffled(rng, payload),
        "prev_hash": "sha256:%064x" % rng.getrandbits(256),
    }
    return shuffled(rng, ev)


def dump(rng, value):
    """Serializes like the producers we see: mostly compact UTF-8, some
    pretty or spaced, some ASCII-only (\\u escapes, surrogate pairs)."""
    style = rng.randrange(10)
    ensure_ascii = style < 2
    if style == 2:
        return json.dumps(value, ensure_ascii=ensure_ascii, indent=1)
    if style < 6:
        return json.dumps(value, ensure_ascii=ensure_ascii)  # ", " and ": "
    return json.dumps(value, ensure_ascii=ensure_ascii, separators=(",", ":"))


def main():
    rng = random.Random(SEED)
    os.makedirs(CORPUS, exist_ok=True)

    lines = []
    for seq in range(N_EVENTS):
        text = dump(rng, event(rng, seq))
        # One document per line: fold pretty-printed ones onto one line.
        lines.append(text.replace("\n", " "))
    events_bytes = ("\n".join(lines) + "\n").encode("utf-8")
    write(os.path.join(CORPUS, "events.jsonl"), events_bytes)

    rng = random.Random(SEED + 1)
    pieces = [rng.choice(TEXTS) for _ in range(3000)]
    large = {
        "meta": shuffled(rng, {"snapshot": uuid(rng), "created": timestamp(rng, 0),
                               "count": LARGE_EVENTS, "schema": "audit-event/1"}),
        "events": [event(rng, seq) for seq in range(LARGE_EVENTS)],
        "blob": " | ".join(pieces),
    }
    large_bytes = json.dumps(shuffled(rng, large), ensure_ascii=False).encode("utf-8")
    assert len(large_bytes) >= LARGE_MIN_BYTES, len(large_bytes)
    write(os.path.join(CORPUS, "large.json"), large_bytes)

    print("events.jsonl: %d documents, %d bytes (%.0f bytes/event on average)"
          % (N_EVENTS, len(events_bytes), (len(events_bytes) - N_EVENTS) / N_EVENTS))
    print("large.json: %d bytes (%.2f MiB)" % (len(large_bytes), len(large_bytes) / (1 << 20)))
    print("written to %s" % CORPUS)


def write(path, data):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)  # readers never see a half-written file


if __name__ == "__main__":
    sys.exit(main())
