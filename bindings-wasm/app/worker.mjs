// One Web Worker of the export verifier. The page hands it the module it
// compiled once ('init'), then parts of the export one at a time
// ('verify': a byte range of a .jsonl file, read as a stream from
// `file.slice(start - 1)`; or the whole decompressed stream of a .jsonl.gz,
// which cannot be split), each verified with the core's SegmentVerifier
// and kept until the stitch; then it answers the stitch for the parts it
// holds: their id buckets, the duplicates in one bucket of every part, and
// each part's answer to the stitch's request. Every rule is the core's;
// this file only moves bytes and documents (JSON text) between the file,
// the module and the page.
import init, * as tc from '../pkg-verify/trustcore_wasm.js';

let ready = null;
const segments = new Map(); // part index → Segment
let registry = null; // the registry of the signers text it was read from
let registryText = null;
const PROGRESS_MS = 100;

function registryFor(text) {
  if (text !== registryText) {
    registry?.free();
    registry = tc.SignerRegistry.fromDocument(text);
    registryText = text;
  }
  return registry;
}

function fail(e) {
  postMessage({ type: 'error', name: e?.name ?? 'Error', code: e?.code ?? null, message: String(e?.message ?? e) });
}

async function verify({ part, file, start, end, gz, signers, options }) {
  await ready;
  const t0 = performance.now();
  let last = t0;
  let v;
  let reader;
  let done = 0; // bytes of this part (or of the compressed file) read
  const total = gz ? file.size : end - start;
  const progress = (force) => {
    const now = performance.now();
    if (force || now - last >= PROGRESS_MS) {
      last = now;
      postMessage({ type: 'progress', part, bytes: Math.min(done, total), rows: v.rowsFed });
    }
  };
  if (gz) {
    v = tc.SegmentVerifier.create(registryFor(signers), options);
    const counted = file.stream().pipeThrough(new TransformStream({
      transform(chunk, ctl) {
        done += chunk.byteLength;
        ctl.enqueue(chunk);
      },
    }));
    reader = counted.pipeThrough(new DecompressionStream('gzip')).getReader();
    for (;;) {
      const { value, done: end_ } = await reader.read();
      if (end_) break;
      v.pushBytes(value);
      progress(false);
    }
  } else {
    v = tc.SegmentVerifier.forBytes(registryFor(signers), start, end, options);
    const from = Math.max(0, start - 1);
    let at = from;
    reader = file.slice(from, file.size).stream().getReader();
    while (v.needsMore) {
      const { value, done: end_ } = await reader.read();
      if (end_) break;
      v.pushBytes(value);
      at += value.byteLength;
      done = Math.max(0, Math.min(at, end) - start);
      progress(false);
    }
    await reader.cancel().catch(() => {});
    done = total;
  }
  progress(true);
  const rows = v.rowsFed;
  const segment = v.finish();
  v.free();
  segments.set(part, segment);
  const now = performance.now();
  postMessage({
    type: 'done', summary: segment.summary(), rows, ms: now - t0,
    // On the clock every context shares, for the page's phase timings.
    endAt: performance.timeOrigin + now,
  });
}

function held(part) {
  const s = segments.get(part);
  if (!s) throw new Error(`this worker holds no part ${part}`);
  return s;
}

onmessage = async ({ data }) => {
  try {
    switch (data.type) {
      case 'init':
        // The page's compiled module: one compilation (and one tier-up)
        // for the page and every worker.
        ready ??= init({ module_or_path: data.module });
        await ready;
        postMessage({ type: 'ready', at: performance.timeOrigin + performance.now() });
        break;
      case 'verify':
        await verify(data);
        break;
      case 'buckets': {
        const buckets = held(data.part).idBuckets(data.part, data.count);
        postMessage({ type: 'buckets', buckets }, buckets.map((b) => b.buffer));
        break;
      }
      case 'duplicates':
        postMessage({ type: 'duplicates', duplicates: tc.duplicates(data.buckets) });
        break;
      case 'answer':
        postMessage({ type: 'answer', answer: held(data.part).answer(data.request) });
        break;
      default:
        throw new Error(`unknown message ${data.type}`);
    }
  } catch (e) {
    fail(e);
  }
};
