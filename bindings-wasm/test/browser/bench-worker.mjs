// A Web Worker that only verifies one Ed25519 signature in a loop for
// `ms` milliseconds and reports how many: how much parallel CPU this
// machine gives two workers at this moment (the bench page compares 1 and
// 2 of these with the export's own worker scaling).
import init, * as tc from '../../pkg-verify/trustcore_wasm.js';

onmessage = async ({ data: { publicKey, message, signature, ms } }) => {
  await init();
  const pub = Uint8Array.from(publicKey);
  const msg = Uint8Array.from(message);
  const sig = Uint8Array.from(signature);
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    for (let i = 0; i < 16; i += 1) tc.verify(pub, msg, sig);
    n += 16;
  }
  postMessage(n);
};
