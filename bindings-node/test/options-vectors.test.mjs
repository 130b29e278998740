// test-vectors/options.json: every case with the JavaScript spelling
// (`js`), through the call it names. Options are read by the core, so the
// code (and the kind: OptionsError unless the case says otherwise) is the
// one Python and WASM give for their own spelling; the Python spelling is
// refused here too (unknown_option), since it is not JavaScript's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trustcore as t, loadVectors } from './helpers.mjs';

const doc = loadVectors('options.json');
const chain = loadVectors('chain.json');
const registry = t.SignerRegistry.fromJson(chain.registry);
const jsonl = chain.cases.find((c) => c.id === 'good/ten').jsonl;
const kernelKey = t.PublicKey.fromBase64(registry.get('kernel-signer').publicKey);

/** The call a case names, with options `o`. */
function callWith(call, o) {
  switch (call) {
    case 'verify_jsonl':
      return t.verifyJsonl(jsonl, registry, o);
    case 'chain_writer':
      return t.ChainWriter.create('kernel-signer', kernelKey, o);
    case 'canonicalize':
      return t.canonicalize(1, o);
    case 'verify_event_in_checkpoint':
      // The options are checked before anything else is read.
      return t.verifyEventInCheckpoint(null, null, null, null, null, null, o);
    default:
      throw new Error(`unknown call ${call}`);
  }
}

test('options.json has the documented shape', () => {
  assert.equal(doc.format, 'trustcore-vectors/options');
  assert.ok(doc.cases.length >= 20);
});

for (const c of doc.cases) {
  test(`options.json: ${c.id}`, () => {
    let caught;
    try {
      callWith(c.call, c.js);
    } catch (e) {
      caught = e;
    }
    if (c.error === undefined) {
      if (c.call === 'verify_event_in_checkpoint') {
        // Good options: the next argument is what fails.
        assert.equal(caught?.code, 'invalid_argument');
      } else {
        assert.equal(caught, undefined, `refused: ${caught?.message}`);
      }
      return;
    }
    assert.ok(caught instanceof Error, 'accepted');
    assert.equal(caught.code, c.error, caught.message);
    assert.equal(caught.name, c.kind ?? 'OptionsError', caught.message);
  });
}

test('the Python spelling of every multi-word option is unknown in JavaScript', () => {
  for (const c of doc.cases) {
    const snakeOnly = Object.keys(c.py).filter((k) => k.includes('_'));
    if (snakeOnly.length === 0 || c.call === 'verify_event_in_checkpoint' && c.error === undefined) continue;
    const o = Object.fromEntries(snakeOnly.map((k) => [k, c.py[k]]));
    assert.throws(() => callWith(c.call, o), { code: 'unknown_option', name: 'OptionsError' }, c.id);
  }
});
