// In-page speed measurements (#13) against the JS peers, driven by
// test/browser/app.test.mjs (served from the repository root), of the
// verify module (pkg-verify, the app's) and the full module (pkg-web):
// * canonicalization from a JS string: trustcore's canonicalizeText(string)
//   against npm `canonicalize` on JSON.parse(string), on ~700-byte events;
// * Ed25519 verification: trustcore's `verify` against @noble/ed25519
//   (`verifyAsync`: its browser path, SHA-512 from WebCrypto) on the same
//   messages, keys and signatures.
// Each measurement: best of `rounds` rounds of `ms` milliseconds.
import init, * as tc from '../../pkg-verify/trustcore_wasm.js';
import initFull, * as full from '../../pkg-web/trustcore_wasm.js';
import canonicalize from '../../node_modules/canonicalize/lib/canonicalize.js';
import * as noble from '../../node_modules/@noble/ed25519/index.js';

function rate(fn, n, ms, rounds) {
  let best = 0;
  for (let r = 0; r < rounds; r += 1) {
    let ops = 0;
    const t0 = performance.now();
    let t = t0;
    while (t - t0 < ms) {
      for (let i = 0; i < 64; i += 1) fn(ops++ % n);
      t = performance.now();
    }
    best = Math.max(best, ops / ((t - t0) / 1000));
  }
  return best;
}

async function rateAsync(fn, n, ms, rounds) {
  let best = 0;
  for (let r = 0; r < rounds; r += 1) {
    let ops = 0;
    const t0 = performance.now();
    let t = t0;
    while (t - t0 < ms) {
      for (let i = 0; i < 16; i += 1) await fn(ops++ % n);
      t = performance.now();
    }
    best = Math.max(best, ops / ((t - t0) / 1000));
  }
  return best;
}

window.runBench = async ({ events, publicKey, signatures, ms = 1500, rounds = 3 }) => {
  await init();
  await initFull();
  const enc = new TextEncoder();
  const pub = Uint8Array.from(publicKey);
  const msgs = events.map((e) => enc.encode(e));
  const sigs = signatures.map((s) => Uint8Array.from(s));
  // Same bytes from both before timing anything.
  for (const e of events) {
    if (new TextDecoder().decode(tc.canonicalizeText(e)) !== canonicalize(JSON.parse(e))) throw new Error('canonical forms differ');
  }
  for (let i = 0; i < msgs.length; i += 1) {
    if (!tc.verify(pub, msgs[i], sigs[i]) || !(await noble.verifyAsync(sigs[i], msgs[i], pub))) throw new Error('a signature does not verify');
  }
  const n = events.length;
  const out = {
    eventBytes: Math.round(events.reduce((a, e) => a + enc.encode(e).length, 0) / n),
    canonicalizeText: rate((i) => tc.canonicalizeText(events[i]), n, ms, rounds),
    npmCanonicalize: rate((i) => canonicalize(JSON.parse(events[i])), n, ms, rounds),
    canonicalizeTextFull: rate((i) => full.canonicalizeText(events[i]), n, ms, rounds),
    verify: rate((i) => tc.verify(pub, msgs[i], sigs[i]), n, ms, rounds),
    verifyFull: rate((i) => full.verify(pub, msgs[i], sigs[i]), n, ms, rounds),
    nobleVerifyAsync: await rateAsync((i) => noble.verifyAsync(sigs[i], msgs[i], pub), n, ms, rounds),
    userAgent: navigator.userAgent,
  };
  out.canonicalizeRatio = out.canonicalizeText / out.npmCanonicalize;
  out.canonicalizeRatioFull = out.canonicalizeTextFull / out.npmCanonicalize;
  out.verifyRatio = out.verify / out.nobleVerifyAsync;
  document.getElementById('out').textContent = JSON.stringify(out, null, 1);
  return out;
};
/** Verifications per second in `n` Web Workers at once (pure CPU, nothing shared). */
async function parallel(n, { publicKey, message, signature, ms }) {
  const counts = await Promise.all(Array.from({ length: n }, () => new Promise((ok) => {
    const w = new Worker(new URL('./bench-worker.mjs', import.meta.url), { type: 'module' });
    w.onmessage = ({ data }) => { w.terminate(); ok(data); };
    w.postMessage({ publicKey, message, signature, ms });
  })));
  return counts.reduce((a, b) => a + b, 0) / (ms / 1000);
}

window.runParallel = async (data) => {
  const one = await parallel(1, data);
  const two = await parallel(2, data);
  return { oneWorkerVerify: one, twoWorkersVerify: two, machineRatio: two / one };
};

document.getElementById('out').textContent = 'ready';
document.body.dataset.ready = 'true';
