#!/usr/bin/env python3
"""Generates ../canonical-json.json, the shared RFC 8785 canonicalization vectors.

Expected outputs of valid cases come from an implementation independent of
trustcore: PyPI `rfc8785` (``rfc8785.dumps(json.loads(text))``), cross-checked
by ``tools/check_node.mjs`` (npm `canonicalize` on ``JSON.parse``) when
``--node`` is given. Where the two disagree, or where rfc8785 refuses a value
our rules accept, the case carries ``expected`` written by hand from RFC 8785
and the lossy-integer rule (``../../docs/design.md#lossy-integers``), and its
description says so.

Error codes and offsets of invalid cases are written by hand from the rules
in ``../README.md``.

Usage (from the repository root)::

    python3 -m venv /tmp/tvenv && /tmp/tvenv/bin/pip install rfc8785 blake3
    /tmp/tvenv/bin/python test-vectors/tools/gen_canonical.py [--node DIR]

``--node DIR`` names a folder where ``npm install canonicalize`` was run; the
generator then fails if npm canonicalize disagrees with ``expected`` on any
valid case.
"""

import argparse
import hashlib
import json
import os
import subprocess
import sys
import unicodedata

import blake3
import rfc8785

sys.setrecursionlimit(20000)  # nesting cases go 1024 deep
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "canonical-json.json")

cases = []


def _add(case):
    if any(c["id"] == case["id"] for c in cases):
        raise SystemExit(f"duplicate id {case['id']}")
    cases.append(case)


def ok(cid, description, text, expected=None, max_depth=None, note=None, value_path=None):
    """A valid case. `expected` is given only when rfc8785 cannot be used
    (then `note` says why, and it goes into the description)."""
    computed = None
    try:
        computed = rfc8785.dumps(json.loads(text)).decode("utf-8")
    except rfc8785.IntegerDomainError:
        computed = None
    if expected is None:
        if computed is None:
            raise SystemExit(f"{cid}: rfc8785 refused it; give expected by hand")
        expected = computed
    elif computed is not None and computed != expected:
        if note is None:
            raise SystemExit(f"{cid}: rfc8785 gives {computed!r}, hand value {expected!r}; add a note")
    elif computed is None and note is None:
        raise SystemExit(f"{cid}: rfc8785 refused it; add a note saying so")
    if note:
        description = f"{description} ({note})"
    case = {"id": cid, "description": description, "input": text}
    if max_depth is not None:
        case["max_depth"] = max_depth
    if value_path is not None:
        case["value_path"] = value_path
    data = expected.encode("utf-8")
    case["expected"] = expected
    case["sha256"] = "sha256:" + hashlib.sha256(data).hexdigest()
    case["blake3"] = "blake3:" + blake3.blake3(data).hexdigest()
    _add(case)


def bad(cid, description, text=None, code=None, offset=None, hexbytes=None, max_depth=None):
    """An invalid case: `text` (str) or `hexbytes` (bytes) and the error."""
    case = {"id": cid, "description": description}
    if hexbytes is not None:
        case["input_hex"] = hexbytes.hex()
        size = len(hexbytes)
    else:
        case["input"] = text
        size = len(text.encode("utf-8", "surrogatepass"))
    if max_depth is not None:
        case["max_depth"] = max_depth
    assert 0 <= offset <= size, cid
    case["error"] = {"code": code, "offset": offset}
    _add(case)


# ---------------------------------------------------------------- key-order
ok("key-order/ascii", "members are sorted by name", '{"b":1,"a":2,"c":3}')
ok("key-order/already-sorted", "sorted input is copied unchanged", '{"a":1,"b":2,"c":3}')
ok("key-order/reverse", "reverse order is fully sorted", '{"z":1,"y":2,"x":3,"w":4,"v":5}')
ok("key-order/case", "uppercase letters (0x41..) sort before lowercase (0x61..)", '{"a":1,"B":2,"A":3,"b":4}')
ok("key-order/digits-vs-letters", "digits sort before letters, by code unit not numeric value", '{"10":1,"9":2,"a":3,"1":4}')
ok("key-order/empty-key", "the empty name sorts first", '{"a":1,"":2}')
ok("key-order/prefix", "a name sorts before every longer name it is a prefix of", '{"abc":1,"ab":2,"a":3,"abcd":4}')
ok("key-order/prefix-vs-next-char", "a prefix sorts first, then by the next code unit: \"a\" < \"a!\" < \"ab\"", '{"ab":1,"a!":2,"a":3}')
ok("key-order/astral-vs-private-use",
   "U+1F600 is D83D DE00 in UTF-16 and sorts before U+E000, although its code point is larger",
   '{"\\ue000":1,"\\ud83d\\ude00":2}')
ok("key-order/astral-vs-private-use-literal",
   "same as astral-vs-private-use with the characters written literally",
   '{"\ue000":1,"\U0001F600":2}')
ok("key-order/astral-vs-fffd", "U+10000 (D800 DC00) sorts before U+FFFD", '{"\ufffd":1,"\U00010000":2}')
ok("key-order/astral-vs-d7ff", "U+D7FF sorts before an astral character (D800..)", '{"\U0001F600":1,"\ud7ff":2}')
ok("key-order/fb33-vs-emoji", "U+FB33 (Hebrew) sorts after U+1F600 (emoji) in UTF-16 order", '{"\ufb33":1,"\U0001F600":2}')
ok("key-order/astral-pair", "two astral names compare by their surrogate pairs", '{"\U0001F601":1,"\U0001F600":2,"\U00010000":3,"\U0010FFFF":4}')
ok("key-order/shared-prefix-astral-vs-bmp",
   "after a common prefix, an astral character still sorts before U+E000..U+FFFF",
   '{"x\uffff":1,"x\U0001F600":2,"x\ue000y":3,"x":4}')
ok("key-order/same-lead-byte", "names whose UTF-8 differs only in a continuation byte", '{"\u0800":1,"\u0fff":2,"\u0801":3}')
ok("key-order/cjk", "CJK names sort by code unit", '{"\u4e2d":1,"\u6587":2,"\u4e00":3,"\u9fa5":4}')
ok("key-order/latin1", "Latin-1 names: U+00E9 > U+00E8 > U+00C9 > ASCII", '{"\u00e9":1,"\u00e8":2,"\u00c9":3,"e":4}')
ok("key-order/latin1-vs-cjk", "two-byte UTF-8 names sort before three-byte ones", '{"\u4e2d":1,"\u00ff":2,"\u0100":3}')
ok("key-order/rfc8785-3.2.3",
   "the sorting example of RFC 8785 section 3.2.3",
   '{\n  "\\u20ac": "Euro Sign",\n  "\\r": "Carriage Return",\n  "\\ufb33": "Hebrew Letter Dalet With Dagesh",\n'
   '  "1": "One",\n  "\\ud83d\\ude00": "Emoji: Grinning Face",\n  "\\u0080": "Control",\n'
   '  "\\u00f6": "Latin Small Letter O With Diaeresis"\n}')
ok("key-order/escaped-names", "names are sorted by their unescaped value, not their escaped spelling", '{"\\u0062":1,"a":2,"\\n":3}')
ok("key-order/control-names", "control characters sort first and are escaped in output", '{"a":1,"\\u001f":2,"\\u0000":3,"\\t":4}')
ok("key-order/nested", "every nested object is sorted on its own", '{"b":{"z":1,"y":{"d":1,"c":2}},"a":[{"n":1,"m":2}]}')
ok("key-order/values-ignored", "order depends on names only, not on values", '{"b":"a","a":"b"}')
ok("key-order/many-keys",
   "100 members in shuffled order",
   "{" + ",".join(f'"k{(i * 37) % 100:02d}":{i}' for i in range(100)) + "}")
ok("key-order/numeric-names", "numeric-looking names sort as strings", '{"100":1,"20":2,"3":3,"-1":4,"1e2":5}')
ok("key-order/surrogate-region-neighbours",
   "U+D7FB (before the surrogates) < astral < U+F900 (after them)",
   '{"\uf900":1,"\U0002F800":2,"\ud7fb":3}')

# ----------------------------------------------------------------- escapes
ok("escapes/short-escapes", "the JCS short escapes are kept; \\/ becomes /",
   '"\\"\\\\\\/\\b\\f\\n\\r\\t"')
ok("escapes/solidus", "an escaped solidus is written unescaped", '"a\\/b"')
ok("escapes/raw-solidus", "a raw solidus stays as it is", '"</script>"')
ok("escapes/u-short-forms", "\\u escapes of characters that have a short escape use the short form",
   '"\\u0008\\u0009\\u000a\\u000c\\u000d\\u0022\\u005c"')
ok("escapes/controls-00-1f",
   "every C0 control without a short form is written \\u00xx with lowercase hex",
   '"' + "".join(f"\\u{i:04x}" for i in range(0x20)) + '"')
ok("escapes/controls-uppercase-hex", "uppercase hex in the input, lowercase in the output",
   '"\\u001F\\u000B\\u001A\\u000E"')
ok("escapes/del-7f", "U+007F (DEL) is not escaped by JCS: written as the raw byte", '"\\u007f"')
ok("escapes/del-7f-raw", "a raw DEL byte stays raw", '"a\x7fb"')
ok("escapes/ascii-escaped", "unnecessary \\u escapes of ASCII become the character", '"\\u0041\\u0062\\u0020\\u007e"')
ok("escapes/ascii-escaped-uppercase", "uppercase hex digits in unnecessary escapes", '"\\u004A\\u004b\\u004C"')
ok("escapes/latin1-escaped", "\\u00e9 becomes the literal character", '"caf\\u00e9"')
ok("escapes/latin1-escaped-uppercase", "\\u00E9 (uppercase hex) becomes the literal character", '"caf\\u00E9"')
ok("escapes/line-separators", "U+2028 and U+2029 are not escaped by JCS", '"\\u2028\\u2029"')
ok("escapes/line-separators-raw", "raw U+2028 and U+2029 stay raw", '"a\u2028b\u2029c"')
ok("escapes/non-ascii-literal", "non-ASCII stays literal UTF-8", '"\u00e9\u4e2d\u20ac\U0001F600"')
ok("escapes/surrogate-pair-escaped", "an escaped surrogate pair becomes the literal character", '"\\ud83d\\ude00"')
ok("escapes/surrogate-pair-uppercase", "an escaped surrogate pair in uppercase hex", '"\\uD83D\\uDE00"')
ok("escapes/surrogate-pair-mixed-case", "mixed-case hex in a surrogate pair", '"\\uD83d\\udE00"')
ok("escapes/max-code-point", "U+10FFFF escaped as \\udbff\\udfff", '"\\udbff\\udfff"')
ok("escapes/min-astral", "U+10000 escaped as \\ud800\\udc00", '"\\ud800\\udc00"')
ok("escapes/quote-and-backslash", "quote and backslash are escaped with short forms", '"say \\"hi\\" \\\\o/"')
ok("escapes/nul", "U+0000 is written \\u0000", '"a\\u0000b"')
ok("escapes/in-keys", "escapes in member names are normalized too", '{"\\u0041\\/\\u00e9\\t":1}')
ok("escapes/fffe-ffff", "noncharacters U+FFFE and U+FFFF are valid and kept literally", '"\\ufffe\\uffff"')
ok("escapes/empty-string", "the empty string", '""')
ok("escapes/escaped-backslash-u", "an escaped backslash followed by u is not an escape", '"\\\\u0041"')

# ----------------------------------------------------------------- numbers
ok("numbers/zero", "zero", "0")
ok("numbers/minus-zero", "-0 prints 0", "-0")
ok("numbers/minus-zero-fraction", "-0.0 prints 0", "-0.0")
ok("numbers/zero-fraction", "0.0 prints 0", "0.0")
ok("numbers/zero-exponent", "0e10 prints 0", "0e10")
ok("numbers/minus-zero-exponent", "-0E-5 prints 0", "-0E-5")
ok("numbers/one-point-zero", "1.0 prints 1", "1.0")
ok("numbers/trailing-zero-fraction", "1.50 prints 1.5", "1.50")
ok("numbers/upper-exponent", "1E2 prints 100", "1E2")
ok("numbers/plus-exponent", "1e+2 prints 100", "1e+2")
ok("numbers/negative-exponent", "1e-2 prints 0.01", "1e-2")
ok("numbers/exponent-leading-zeros", "leading zeros in the exponent are allowed: 1e007", "1e007")
ok("numbers/fraction-exponent", "123e-2 prints 1.23", "123e-2")
ok("numbers/negative-fraction", "-1.5e-3 prints -0.0015", "-1.5e-3")
ok("numbers/1e20", "1e20 prints in full", "1e20")
ok("numbers/1e20-integer", "100000000000000000000 (= 1e20) is its own ECMAScript spelling: accepted",
   "100000000000000000000", expected="100000000000000000000",
   note="PyPI rfc8785 refuses Python ints beyond 2^53-1; expected written from ../docs/design.md#lossy-integers, npm canonicalize agrees")
ok("numbers/1e21", "1e21 and above print in exponent form", "1e21")
ok("numbers/1e21-plus", "1e+21 stays 1e+21", "1e+21")
ok("numbers/1e-6", "1e-6 prints 0.000001", "1e-6")
ok("numbers/0.000001", "0.000001 is printed as written", "0.000001")
ok("numbers/1e-7", "below 1e-6 numbers print in exponent form", "1e-7")
ok("numbers/0.0000001", "0.0000001 prints 1e-7", "0.0000001")
ok("numbers/min-subnormal", "5e-324, the smallest subnormal", "5e-324")
ok("numbers/min-normal", "2.2250738585072014e-308, the smallest normal double", "2.2250738585072014e-308")
ok("numbers/max-double", "1.7976931348623157e308, the largest double", "1.7976931348623157e308")
ok("numbers/neg-max-double", "-1.7976931348623157e308", "-1.7976931348623157e308")
ok("numbers/underflow-to-zero",
   "1e-400 is below the smallest subnormal: it denotes 0 and prints 0 (underflow is accepted, only overflow is rejected)",
   "1e-400")
ok("numbers/neg-underflow-to-zero", "-1e-400 underflows to -0 and prints 0", "-1e-400")
ok("numbers/max-safe", "2^53-1 is printed as written", "9007199254740991")
ok("numbers/neg-max-safe", "-(2^53-1)", "-9007199254740991")
ok("numbers/2pow53", "2^53 is beyond 2^53-1 but is its own ECMAScript spelling: accepted", "9007199254740992",
   expected="9007199254740992",
   note="PyPI rfc8785 refuses Python ints beyond 2^53-1 (IntegerDomainError); expected written from ../docs/design.md#lossy-integers, npm canonicalize agrees")
ok("numbers/neg-2pow53", "-2^53 is its own ECMAScript spelling: accepted", "-9007199254740992",
   expected="-9007199254740992",
   note="PyPI rfc8785 refuses Python ints beyond 2^53-1; expected written from ../docs/design.md#lossy-integers, npm canonicalize agrees")
ok("numbers/big-exact-double", "123456789012345680000 is the ECMAScript spelling of its double: accepted",
   "123456789012345680000", expected="123456789012345680000",
   note="PyPI rfc8785 refuses Python ints beyond 2^53-1; expected written from ../docs/design.md#lossy-integers, npm canonicalize agrees")
ok("numbers/2pow64-es-spelling", "18446744073709552000 is the ECMAScript spelling of 2^64: accepted",
   "18446744073709552000", expected="18446744073709552000",
   note="PyPI rfc8785 refuses Python ints beyond 2^53-1; expected written from ../docs/design.md#lossy-integers, npm canonicalize agrees")
ok("numbers/34710072054341910", "34710072054341910 is the canonical spelling of the double 34710072054341912: accepted",
   "34710072054341910", expected="34710072054341910",
   note="PyPI rfc8785 refuses Python ints beyond 2^53-1; expected written from ../docs/design.md#lossy-integers, npm canonicalize agrees")
ok("numbers/2pow53-plus-1-fraction",
   "the lossy-integer rule covers integer literals only: 9007199254740993.0 has a fraction, denotes the double 2^53 and prints 9007199254740992",
   "9007199254740993.0")
ok("numbers/2pow53-plus-1-exponent",
   "the lossy-integer rule covers integer literals only: 9.007199254740993e15 rounds to 2^53",
   "9.007199254740993e15")
ok("numbers/2pow64-exponent", "1.8446744073709552e19 prints as an integer", "1.8446744073709552e19")
ok("numbers/0.1-plus-0.2", "0.30000000000000004 (0.1+0.2) round-trips", "0.30000000000000004")
ok("numbers/0.3", "0.3 prints 0.3", "0.3")
ok("numbers/0.1", "0.1 prints 0.1", "0.1")
ok("numbers/0.1-long", "a long spelling of the double nearest 0.1 prints 0.1",
   "0.1000000000000000055511151231257827021181583404541015625")
ok("numbers/pi-many-digits", "digits beyond double precision are rounded: shortest round-trip output",
   "3.141592653589793238462643383279502884197")
ok("numbers/many-digits-integer-part", "a fraction with a long integer part", "123456789012345678901234567890.5")
ok("numbers/rfc8785-333333333.33333329", "333333333.33333329 prints 333333333.3333333 (RFC 8785 example)", "333333333.33333329")
ok("numbers/1e30", "1E30 prints 1e+30 (RFC 8785 example)", "1E30")
ok("numbers/4.50", "4.50 prints 4.5 (RFC 8785 example)", "4.50")
ok("numbers/2e-3", "2e-3 prints 0.002 (RFC 8785 example)", "2e-3")
ok("numbers/1e-27", "0.000000000000000000000000001 prints 1e-27 (RFC 8785 example)", "0.000000000000000000000000001")
ok("numbers/15-digit-integer", "a 15-digit integer is printed as written", "123456789012345")
ok("numbers/16-digit-integer", "a 16-digit integer below 2^53 is printed as written", "1234567890123456")
ok("numbers/negative-integer", "a negative integer", "-42")
ok("numbers/fraction-digits", "17 significant digits", "0.12345678901234568")
ok("numbers/1.5e300", "a large number in exponent form", "1.5e300")
ok("numbers/neg-small", "a small negative number", "-1.2345e-10")
ok("numbers/4.35", "4.35 round-trips", "4.35")
ok("numbers/0.5", "0.5", "0.5")
ok("numbers/2.5e-7", "2.5e-7 stays in exponent form", "0.00000025")
ok("numbers/1e-5", "0.00001 prints 0.00001", "1e-5")
ok("numbers/123e18", "123e18 prints 123000000000000000000", "123e18")
ok("numbers/123e19", "123e19 prints 1.23e+21", "123e19")
ok("numbers/below-1e21", "the largest double below 1e21 still prints in full", "999999999999999900000.0")
ok("numbers/below-1e21-exponent", "9.999999999999999e20 prints in full", "9.999999999999999e20")
ok("numbers/below-1e-6", "the double just below 1e-6 prints in exponent form", "9.999999999999999e-7")
ok("numbers/1e308", "1e308 prints 1e+308", "1e308")
ok("numbers/min-subnormal-long", "a long spelling of the smallest subnormal prints 5e-324", "4.9406564584124654e-324")
ok("numbers/max-subnormal", "the largest subnormal", "2.225073858507201e-308")
ok("numbers/exponent-many-zeros", "an exponent with many leading zeros", "1e0000000000000000000000001")
ok("numbers/fraction-many-zeros", "a fraction with many trailing zeros", "1.000000000000000000000000000000")
ok("numbers/negative-exponent-form", "a negative number in exponent form", "-1e-7")
ok("numbers/2pow53-float-spelling", "9007199254740992.0 (a fraction) prints 9007199254740992", "9007199254740992.0")
ok("numbers/array", "numbers inside an array",
   "[1, 1.0, 1e0, 10e-1, 0.1e1, -0, 100e-2]")

# ---------------------------------------------------------------- literals
ok("literals/true", "true", "true")
ok("literals/false", "false", "false")
ok("literals/null", "null", "null")
ok("literals/array", "all literals in an array", "[ null , true , false ]")
ok("literals/in-object", "literals as member values", '{"t":true,"f":false,"n":null}')

# -------------------------------------------------------------- whitespace
ok("whitespace/all-kinds-everywhere",
   "space, tab, line feed and carriage return between every token are removed",
   ' \t\n\r{ \t\n\r"a" \t\n\r: \t\n\r[ \t\n\r1 \t\n\r, \t\n\r2 \t\n\r] \t\n\r, \t\n\r"b" \t\n\r: \t\n\rnull \t\n\r} \t\n\r')
ok("whitespace/leading-trailing", "whitespace around a top-level scalar", " \n\t\r 1 \r\n\t ")
ok("whitespace/in-empty-containers", "whitespace inside empty containers", '{ "a" : [ \n ] , "b" : { \t } }')
ok("whitespace/inside-strings-kept", "whitespace inside strings is kept (tab and newline escaped)", '" a\\tb\\nc "')
ok("whitespace/crlf-pretty", "a pretty-printed document with CRLF line ends", '{\r\n  "b": 2,\r\n  "a": 1\r\n}\r\n')

# ----------------------------------------------------------------- unicode
ok("unicode/nfc-vs-nfd-values", "no normalization: NFC U+00E9 and NFD e+U+0301 stay different",
   '["\u00e9","e\u0301"]')
ok("unicode/nfc-vs-nfd-keys", "no normalization: NFC and NFD names are different members (sorted by code unit)",
   '{"\u00e9":1,"e\u0301":2}')
ok("unicode/emoji", "emoji are kept literally", '"\U0001F600\U0001F44D\U0001F3FD"')
ok("unicode/emoji-zwj", "a ZWJ sequence is kept as is", '"\U0001F468\u200d\U0001F469\u200d\U0001F467"')
ok("unicode/astral-max", "U+10FFFF written literally", '"\U0010FFFF"')
ok("unicode/bom-inside-string", "U+FEFF inside a string is kept", '"\ufeffa"')
ok("unicode/bom-escaped-inside-string", "\\ufeff inside a string becomes the literal character", '"\\ufeff"')
ok("unicode/combining-only", "a lone combining mark is kept", '"\u0301"')
ok("unicode/rtl", "right-to-left text and marks are kept", '"\u05e9\u05dc\u05d5\u05dd\u200f"')
ok("unicode/replacement-char", "a literal U+FFFD is an ordinary character", '"\ufffd"')
ok("unicode/two-byte-boundary", "U+0080 and U+07FF", '"\u0080\u07ff"')
ok("unicode/three-byte-boundary", "U+0800 and U+FFFF", '"\u0800\uffff"')
ok("unicode/nbsp", "U+00A0 inside a string is kept", '"a\u00a0b"')

# ----------------------------------------------------------------- nesting
ok("nesting/depth-128-arrays", "arrays nested exactly 128 deep (the default limit) are accepted",
   "[" * 128 + "]" * 128)
ok("nesting/depth-128-objects", "objects nested exactly 128 deep are accepted",
   '{"a":' * 127 + "{}" + "}" * 127)
ok("nesting/depth-128-mixed", "alternating arrays and objects 128 deep",
   '[{"a":' * 64 + "1" + "}]" * 64)
ok("nesting/max-depth-1-flat", "max_depth 1 allows one level", "[1,2,3]", max_depth=1)
ok("nesting/max-depth-1-scalar", "scalars have depth 0", "1", max_depth=1)
ok("nesting/max-depth-3", "max_depth 3 allows 3 levels", "[[[]]]", max_depth=3)
ok("nesting/max-depth-200", "max_depth above the default allows deeper documents",
   "[" * 200 + "]" * 200, max_depth=200)
ok("nesting/max-depth-1024", "max_depth 1024 (the largest allowed) with 1024 levels",
   "[" * 1024 + "]" * 1024, max_depth=1024)
ok("nesting/siblings-do-not-add", "depth counts nesting, not the number of siblings",
   "[" + ",".join(["[[]]"] * 50) + "]", max_depth=3)

# -------------------------------------------------------------- structures
ok("structures/empty-object", "empty object", "{}")
ok("structures/empty-array", "empty array", "[]")
ok("structures/nested-empties", "nested empty containers", '[[],{},[{}],{"a":[]},{"b":{}}]')
ok("structures/top-level-string", "a top-level string", '"hello"')
ok("structures/array-order-kept", "array order is never changed", '[3,1,2,"b","a"]')
ok("structures/deep-arrays-of-objects", "arrays of objects of arrays",
   '[{"b":[{"d":1,"c":[{"f":2,"e":3}]}],"a":0},{"y":[],"x":{}}]')
ok("structures/long-array", "an array of 300 numbers", "[" + ",".join(str(i * 3 - 450) for i in range(300)) + "]")
ok("structures/object-of-mixed", "an object holding every kind of value",
   '{"s":"x","n":-1.25,"t":true,"f":false,"z":null,"a":[1,"2",[3]],"o":{"k":"v"}}')
ok("structures/rfc8785-3.2.2",
   "the canonicalization example of RFC 8785 section 3.2.2",
   '{\n  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],\n'
   '  "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",\n'
   '  "literals": [null, true, false]\n}')
ok("structures/long-string", "a 2,000 character string", '"' + "abcdefghij" * 200 + '"')
ok("structures/same-key-different-objects", "the same name in sibling objects is not a duplicate",
   '[{"a":1},{"a":2}]')
ok("structures/same-key-different-levels", "the same name at different depths is not a duplicate",
   '{"a":{"a":{"a":1}}}')
ok("structures/near-duplicate-keys", "names that differ only in case or by a trailing space are distinct",
   '{"a":1,"A":2,"a ":3}')

# ================================================================ invalid
# duplicate_key: offset = the opening quote of the later equal name
bad("invalid/duplicate_key/simple", "the same name twice", '{"a":1,"a":2}', "duplicate_key", 7)
bad("invalid/duplicate_key/same-value", "duplicates are rejected even with equal values", '{"a":1,"a":1}', "duplicate_key", 7)
bad("invalid/duplicate_key/after-unescaping", "\"a\" and \"\\u0061\" are the same name", '{"a":1,"\\u0061":2}', "duplicate_key", 7)
bad("invalid/duplicate_key/escaped-first", "\"\\u0061\" then \"a\"", '{"\\u0061":1,"a":2}', "duplicate_key", 12)
bad("invalid/duplicate_key/escaped-solidus", "\"\\/\" and \"/\" are the same name", '{"/":1,"\\/":2}', "duplicate_key", 7)
bad("invalid/duplicate_key/latin1-escaped", "\"\\u00e9\" and a literal U+00E9 are the same name",
    '{"\u00e9":1,"\\u00e9":2}', "duplicate_key", 8)
bad("invalid/duplicate_key/astral-escaped", "an escaped surrogate pair and the literal emoji are the same name",
    '{"\\ud83d\\ude00":1,"\U0001F600":2}', "duplicate_key", 18)
bad("invalid/duplicate_key/not-adjacent", "duplicates separated by other members", '{"a":1,"b":2,"a":3}', "duplicate_key", 13)
bad("invalid/duplicate_key/unsorted", "duplicates in an unsorted object", '{"c":1,"a":2,"b":3,"a":4}', "duplicate_key", 19)
bad("invalid/duplicate_key/two-pairs",
    "two duplicate pairs: the earliest later-occurrence is reported (the second \"b\" at 13, not the second \"a\" at 19)",
    '{"a":1,"b":2,"b":3,"a":4}', "duplicate_key", 13)
bad("invalid/duplicate_key/nested", "a duplicate inside a nested object", '{"x":{"a":1,"a":2}}', "duplicate_key", 12)
bad("invalid/duplicate_key/in-array", "a duplicate inside an object inside an array", '[1,{"k":[],"k":{}}]', "duplicate_key", 11)
bad("invalid/duplicate_key/empty-name", "the empty name twice", '{"":1,"":2}', "duplicate_key", 6)
bad("invalid/duplicate_key/with-whitespace", "whitespace does not hide a duplicate", '{ "a" : 1 , "a" : 2 }', "duplicate_key", 12)
bad("invalid/duplicate_key/triple", "the same name three times: the second is reported", '{"a":1,"a":2,"a":3}', "duplicate_key", 7)

# invalid_utf8: offset = the first byte of the bad sequence
bad("invalid/invalid_utf8/ff-in-string", "byte 0xFF in a string", code="invalid_utf8", offset=2,
    hexbytes=b'"a\xffb"')
bad("invalid/invalid_utf8/fe-in-string", "byte 0xFE in a string", code="invalid_utf8", offset=1, hexbytes=b'"\xfe"')
bad("invalid/invalid_utf8/overlong-2", "overlong two-byte encoding of '/' (C0 AF)", code="invalid_utf8", offset=1,
    hexbytes=b'"\xc0\xaf"')
bad("invalid/invalid_utf8/overlong-3", "overlong three-byte encoding (E0 80 AF)", code="invalid_utf8", offset=1,
    hexbytes=b'"\xe0\x80\xaf"')
bad("invalid/invalid_utf8/overlong-4", "overlong four-byte encoding (F0 80 80 AF)", code="invalid_utf8", offset=1,
    hexbytes=b'"\xf0\x80\x80\xaf"')
bad("invalid/invalid_utf8/truncated-2", "a two-byte sequence cut short before the closing quote", code="invalid_utf8",
    offset=2, hexbytes=b'"a\xc3"')
bad("invalid/invalid_utf8/truncated-3", "a three-byte sequence cut short (E2 82 then quote)", code="invalid_utf8",
    offset=1, hexbytes=b'"\xe2\x82"')
bad("invalid/invalid_utf8/truncated-4", "a four-byte sequence cut short (F0 9F 98 then quote)", code="invalid_utf8",
    offset=1, hexbytes=b'"\xf0\x9f\x98"')
bad("invalid/invalid_utf8/lone-continuation", "a continuation byte without a lead byte", code="invalid_utf8",
    offset=1, hexbytes=b'"\x80"')
bad("invalid/invalid_utf8/above-10ffff", "F4 90 80 80 would be U+110000", code="invalid_utf8", offset=1,
    hexbytes=b'"\xf4\x90\x80\x80"')
bad("invalid/invalid_utf8/f8-lead", "a five-byte lead byte F8", code="invalid_utf8", offset=1,
    hexbytes=b'"\xf8\x88\x80\x80\x80"')
bad("invalid/invalid_utf8/in-key", "invalid UTF-8 in a member name", code="invalid_utf8", offset=3,
    hexbytes=b'{"a\xffb":1}')
bad("invalid/invalid_utf8/after-escape", "invalid UTF-8 after an escape in the same string", code="invalid_utf8",
    offset=3, hexbytes=b'"\\n\xff"')
bad("invalid/invalid_utf8/outside-string", "byte 0xFF where a value is expected", code="invalid_utf8", offset=1,
    hexbytes=b'[\xff]')

# lone_surrogate: encoded surrogates (offset of the first byte) and escapes (offset of the backslash)
bad("invalid/lone_surrogate/encoded-high", "ED A0 80 is the encoded surrogate U+D800 (WTF-8/CESU-8), not UTF-8",
    code="lone_surrogate", offset=1, hexbytes=b'"\xed\xa0\x80"')
bad("invalid/lone_surrogate/encoded-low", "ED B0 80 is the encoded surrogate U+DC00", code="lone_surrogate",
    offset=2, hexbytes=b'"a\xed\xb0\x80"')
bad("invalid/lone_surrogate/encoded-pair-cesu8",
    "a surrogate pair encoded as two 3-byte sequences (CESU-8) is rejected at the first",
    code="lone_surrogate", offset=1, hexbytes=b'"\xed\xa0\xbd\xed\xb8\x80"')
bad("invalid/lone_surrogate/encoded-in-key", "an encoded surrogate in a member name", code="lone_surrogate",
    offset=2, hexbytes=b'{"\xed\xbf\xbf":1}')
bad("invalid/lone_surrogate/high-escape", "a lone high surrogate escape", '"\\ud800"', "lone_surrogate", 1)
bad("invalid/lone_surrogate/low-escape", "a lone low surrogate escape", '"\\udc00"', "lone_surrogate", 1)
bad("invalid/lone_surrogate/high-escape-uppercase", "a lone high surrogate in uppercase hex", '"\\uDBFF"', "lone_surrogate", 1)
bad("invalid/lone_surrogate/reversed-pair", "low then high: the low one is lone", '"\\ude00\\ud83d"', "lone_surrogate", 1)
bad("invalid/lone_surrogate/high-then-non-low-escape", "a high surrogate followed by \\u0041",
    '"\\ud83d\\u0041"', "lone_surrogate", 1)
bad("invalid/lone_surrogate/high-then-high", "two high surrogates", '"\\ud83d\\ud83d"', "lone_surrogate", 1)
bad("invalid/lone_surrogate/high-then-char", "a high surrogate followed by a plain character", '"\\ud83dx"', "lone_surrogate", 1)
bad("invalid/lone_surrogate/high-then-short-escape", "a high surrogate followed by \\n", '"\\ud83d\\n"', "lone_surrogate", 1)
bad("invalid/lone_surrogate/after-text", "the offset is that of the escape's backslash", '"abc\\udfff"', "lone_surrogate", 4)
bad("invalid/lone_surrogate/pair-then-lone", "a valid pair then a lone low surrogate",
    '"\\ud83d\\ude00\\ude00"', "lone_surrogate", 13)
bad("invalid/lone_surrogate/in-key", "a lone surrogate escape in a member name", '{"\\ud800":1}', "lone_surrogate", 2)

# non_finite_number: offset = the first byte of the token
bad("invalid/non_finite_number/nan", "NaN is not JSON", "NaN", "non_finite_number", 0)
bad("invalid/non_finite_number/infinity", "Infinity is not JSON", "Infinity", "non_finite_number", 0)
bad("invalid/non_finite_number/neg-infinity", "-Infinity is not JSON; the offset is that of the minus sign",
    "-Infinity", "non_finite_number", 0)
bad("invalid/non_finite_number/nan-in-array", "NaN as an array element", "[1,NaN]", "non_finite_number", 3)
bad("invalid/non_finite_number/infinity-in-object", "-Infinity as a member value", '{"a":-Infinity}', "non_finite_number", 5)

# number_out_of_range: offset = the first byte of the number
bad("invalid/number_out_of_range/1e400", "1e400 overflows a double", "1e400", "number_out_of_range", 0)
bad("invalid/number_out_of_range/neg-1e400", "-1e400 overflows a double", "-1e400", "number_out_of_range", 0)
bad("invalid/number_out_of_range/1.8e308", "1.8e308 is above the largest double", "[1.8e308]", "number_out_of_range", 1)
bad("invalid/number_out_of_range/2pow53-plus-1",
    "2^53+1 is not a double: it would silently become 9007199254740992", "9007199254740993", "number_out_of_range", 0)
bad("invalid/number_out_of_range/neg-2pow53-plus-1", "-(2^53+1)", "-9007199254740993", "number_out_of_range", 0)
bad("invalid/number_out_of_range/123456789012345678901",
    "123456789012345678901 would become 123456789012345680000", '{"n":123456789012345678901}', "number_out_of_range", 5)
bad("invalid/number_out_of_range/34710072054341912",
    "34710072054341912 is exactly a double but not its canonical spelling 34710072054341910", "34710072054341912",
    "number_out_of_range", 0)
bad("invalid/number_out_of_range/2pow64", "18446744073709551616 (2^64) is exactly a double but spelled 18446744073709552000 by ECMAScript",
    "18446744073709551616", "number_out_of_range", 0)
bad("invalid/number_out_of_range/1e21-as-integer",
    "1000000000000000000000 (1e21 as an integer literal) prints 1e+21, so it is not its own spelling",
    "1000000000000000000000", "number_out_of_range", 0)
bad("invalid/number_out_of_range/u64-max", "18446744073709551615 (u64 max)", "18446744073709551615", "number_out_of_range", 0)
bad("invalid/number_out_of_range/huge-integer", "a 400-digit integer overflows a double", "[" + "9" * 400 + "]",
    "number_out_of_range", 1)

# depth_limit: offset = the bracket that goes one level too deep
bad("invalid/depth_limit/arrays-129", "arrays nested 129 deep", "[" * 129 + "]" * 129, "depth_limit", 128)
bad("invalid/depth_limit/objects-129", "objects nested 129 deep", '{"a":' * 128 + "{}" + "}" * 128, "depth_limit", 640)
bad("invalid/depth_limit/unclosed", "the limit is hit before the missing closers matter", "[" * 129, "depth_limit", 128)
bad("invalid/depth_limit/max-depth-1", "max_depth 1 rejects [[1]]", "[[1]]", "depth_limit", 1, max_depth=1)
bad("invalid/depth_limit/max-depth-2-object", "max_depth 2 rejects an object three deep",
    '{"a":{"b":{"c":1}}}', "depth_limit", 10, max_depth=2)
bad("invalid/depth_limit/max-depth-1024", "max_depth 1024 rejects 1025 levels", "[" * 1025 + "]" * 1025,
    "depth_limit", 1024, max_depth=1024)

# trailing_data: offset = the first non-whitespace byte after the value
bad("invalid/trailing_data/second-value", "two top-level values", "1 2", "trailing_data", 2)
bad("invalid/trailing_data/two-objects", "two top-level objects", "{} {}", "trailing_data", 3)
bad("invalid/trailing_data/comma", "a comma after the top-level value", "[1],", "trailing_data", 3)
bad("invalid/trailing_data/comma-after-scalar", "a trailing comma after a scalar", "1,", "trailing_data", 1)
bad("invalid/trailing_data/closing-bracket", "an extra closing bracket", "{}\n\n]", "trailing_data", 4)
bad("invalid/trailing_data/after-string", "a letter right after a string", '"a"x', "trailing_data", 3)
bad("invalid/trailing_data/literal-prefix", "\"truex\": the literal true, then trailing data", "truex", "trailing_data", 4)
bad("invalid/trailing_data/comment-after-value", "a comment after the value is trailing data", "1 /* c */", "trailing_data", 2)
bad("invalid/trailing_data/number-then-letter", "a letter right after a top-level number", "1a", "trailing_data", 1)
bad("invalid/trailing_data/nul-byte", "a NUL byte after the value", "null\u0000", "trailing_data", 4)
bad("invalid/trailing_data/bom-after-value", "a byte order mark after the value", "1\ufeff", "trailing_data", 1)

# syntax: offset = the unexpected byte or the end of input; an unterminated string at its opening quote
bad("invalid/syntax/empty", "empty input", "", "syntax", 0)
bad("invalid/syntax/only-whitespace", "only whitespace: end of input where a value is expected", " \t\r\n", "syntax", 4)
bad("invalid/syntax/bom-at-start", "a byte order mark at the start is not allowed", "\ufeff{}", "syntax", 0)
bad("invalid/syntax/leading-zero", "leading zeros: reported at the first byte of the number", "01", "syntax", 0)
bad("invalid/syntax/neg-leading-zero", "-01: reported at the first byte of the number", "[-01]", "syntax", 1)
bad("invalid/syntax/plus-sign", "a leading + is not allowed", "+1", "syntax", 0)
bad("invalid/syntax/leading-dot", ".5 needs a leading digit", ".5", "syntax", 0)
bad("invalid/syntax/trailing-dot", "1. needs a digit after the point (end of input at 2)", "1.", "syntax", 2)
bad("invalid/syntax/dot-exponent", "1.e5 needs a digit after the point", "1.e5", "syntax", 2)
bad("invalid/syntax/bare-exponent", "1e needs exponent digits (end of input at 2)", "1e", "syntax", 2)
bad("invalid/syntax/exponent-sign-only", "1e+ needs exponent digits", "[1e+]", "syntax", 4)
bad("invalid/syntax/minus-only", "a lone minus sign (end of input at 1)", "-", "syntax", 1)
bad("invalid/syntax/minus-letter", "a minus sign followed by a letter", "-a", "syntax", 1)
bad("invalid/syntax/neg-nan", "-NaN: the minus must be followed by a digit", "-NaN", "syntax", 1)
bad("invalid/syntax/number-then-letter-in-array", "a letter right after a number inside an array", "[1a]", "syntax", 2)
bad("invalid/syntax/number-with-space", "a space inside a number", "[1 000]", "syntax", 3)
bad("invalid/syntax/hex-number", "hex numbers are not JSON: 0 then trailing x", "[0x10]", "syntax", 2)
bad("invalid/syntax/unterminated-string", "an unterminated string, reported at its opening quote", '"abc', "syntax", 0)
bad("invalid/syntax/unterminated-key", "an unterminated member name", '{"abc', "syntax", 1)
bad("invalid/syntax/unterminated-after-backslash", "input ends inside an escape", '["a\\', "syntax", 1)
bad("invalid/syntax/raw-tab-in-string", "a raw tab in a string", '"a\tb"', "syntax", 2)
bad("invalid/syntax/raw-newline-in-string", "a raw line feed in a string", '"a\nb"', "syntax", 2)
bad("invalid/syntax/raw-nul-in-string", "a raw NUL in a string", '"\u0000"', "syntax", 1)
bad("invalid/syntax/raw-1f-in-string", "a raw U+001F in a string after an escape", '"\\n\u001f"', "syntax", 3)
bad("invalid/syntax/bad-escape", "\\x is not a JSON escape", '"\\x41"', "syntax", 1)
bad("invalid/syntax/escape-uppercase-u", "\\U is not a JSON escape", '"\\U0041"', "syntax", 1)
bad("invalid/syntax/short-u-escape", "\\u needs four hex digits", '"\\u12"', "syntax", 1)
bad("invalid/syntax/non-hex-u-escape", "\\u12G4 has a non-hex digit", '"\\u12G4"', "syntax", 1)
bad("invalid/syntax/escaped-single-quote", "\\' is not a JSON escape", '"\\\'"', "syntax", 1)
bad("invalid/syntax/single-quotes", "single-quoted strings", "'a'", "syntax", 0)
bad("invalid/syntax/single-quoted-key", "a single-quoted member name", "{'a':1}", "syntax", 1)
bad("invalid/syntax/unquoted-key", "an unquoted member name", "{a:1}", "syntax", 1)
bad("invalid/syntax/numeric-key", "a number as member name", "{1:2}", "syntax", 1)
bad("invalid/syntax/line-comment", "a // comment", "// c\n1", "syntax", 0)
bad("invalid/syntax/block-comment", "a /* */ comment before the value", "/* c */ 1", "syntax", 0)
bad("invalid/syntax/comment-in-array", "a comment inside an array", "[1/*c*/]", "syntax", 2)
bad("invalid/syntax/trailing-comma-array", "a trailing comma in an array", "[1,]", "syntax", 3)
bad("invalid/syntax/trailing-comma-object", "a trailing comma in an object", '{"a":1,}', "syntax", 7)
bad("invalid/syntax/leading-comma-array", "a leading comma in an array", "[,1]", "syntax", 1)
bad("invalid/syntax/double-comma", "two commas in a row", "[1,,2]", "syntax", 3)
bad("invalid/syntax/missing-colon", "a member name without a colon", '{"a" 1}', "syntax", 5)
bad("invalid/syntax/missing-value", "a colon without a value", '{"a":}', "syntax", 5)
bad("invalid/syntax/missing-comma-array", "two array elements without a comma", "[1 2]", "syntax", 3)
bad("invalid/syntax/missing-comma-object", "two members without a comma", '{"a":1 "b":2}', "syntax", 7)
bad("invalid/syntax/mismatched-close", "an array closed by }", "[1}", "syntax", 2)
bad("invalid/syntax/object-closed-by-bracket", "an object closed by ]", "{]", "syntax", 1)
bad("invalid/syntax/lone-close", "a closing bracket with nothing open", "]", "syntax", 0)
bad("invalid/syntax/unclosed-array", "input ends inside an array", "[1", "syntax", 2)
bad("invalid/syntax/unclosed-object", "input ends after a member", '{"a":1', "syntax", 6)
bad("invalid/syntax/unclosed-empty-object", "input ends after {", "{", "syntax", 1)
bad("invalid/syntax/truncated-literal", "tru is not a literal", "tru", "syntax", 0)
bad("invalid/syntax/capitalized-literal", "True is not a literal", "True", "syntax", 0)
bad("invalid/syntax/lowercase-nan", "nan is not a literal", "nan", "syntax", 0)
bad("invalid/syntax/inf", "Inf is neither a literal nor Infinity", "Inf", "syntax", 0)
bad("invalid/syntax/undefined", "undefined is not JSON", "[undefined]", "syntax", 1)
bad("invalid/syntax/form-feed-whitespace", "form feed is not JSON whitespace", "\f1", "syntax", 0)
bad("invalid/syntax/vertical-tab-whitespace", "vertical tab is not JSON whitespace", "[\u000b1]", "syntax", 1)
bad("invalid/syntax/nbsp-whitespace", "U+00A0 is not JSON whitespace", "\u00a01", "syntax", 0)
bad("invalid/syntax/raw-non-ascii-value", "a non-ASCII character where a value is expected", "[\u00e9]", "syntax", 1)

# ------------------------------------------------------------------ output


def count_groups():
    groups = {}
    for c in cases:
        parts = c["id"].split("/")
        g = "/".join(parts[:2]) if parts[0] == "invalid" else parts[0]
        groups[g] = groups.get(g, 0) + 1
    return groups


def node_check(node_dir):
    """Runs npm canonicalize on every valid case; returns {id: output}."""
    valid = [{"id": c["id"], "input": c["input"]} for c in cases if "expected" in c]
    proc = subprocess.run(
        ["node", os.path.join(HERE, "check_node.mjs"), os.path.abspath(node_dir)],
        input=json.dumps(valid).encode(),
        capture_output=True,
        check=True,
    )
    return json.loads(proc.stdout)


# Readability: write invisible, combining or unassigned characters as \u
# escapes in the file (the JSON value is the same).
ESCAPE_CATEGORIES = {"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp", "Zs", "Mn", "Me"}


def render(doc):
    text = json.dumps(doc, ensure_ascii=False, indent=2)
    out = []
    for ch in text:
        if ch != " " and ord(ch) >= 0x7F and unicodedata.category(ch) in ESCAPE_CATEGORIES:
            out.append(json.dumps(ch)[1:-1] if ord(ch) > 0xFFFF else f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    text = "".join(out)
    assert json.loads(text) == doc
    return text + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--node", help="folder with node_modules/canonicalize")
    args = ap.parse_args()
    if args.node:
        got = node_check(args.node)
        diffs = [(c["id"], got[c["id"]], c["expected"]) for c in cases if "expected" in c and got[c["id"]] != c["expected"]]
        for cid, g, e in diffs:
            print(f"npm canonicalize disagrees on {cid}: {g!r} vs {e!r}", file=sys.stderr)
        if diffs:
            raise SystemExit(1)
        print(f"npm canonicalize agrees on all {len(got)} valid cases", file=sys.stderr)
    doc = {
        "format": "trustcore-vectors/canonical-json",
        "version": 1,
        "description": (
            "RFC 8785 canonicalization of strict I-JSON text. Generated by tools/gen_canonical.py; "
            "see README.md for the fields and the runner's duties. Expected outputs come from PyPI rfc8785, "
            "cross-checked with npm canonicalize and Go github.com/gowebpki/jcs."
        ),
        "cases": cases,
    }
    with open(OUT, "w", encoding="utf-8", newline="\n") as f:
        f.write(render(doc))
    groups = count_groups()
    for g in sorted(groups):
        print(f"{groups[g]:4d}  {g}", file=sys.stderr)
    print(f"{len(cases):4d}  total ({sum(1 for c in cases if 'expected' in c)} valid)", file=sys.stderr)


if __name__ == "__main__":
    main()
