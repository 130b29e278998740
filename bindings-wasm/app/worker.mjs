// One Web Worker of the export verifier: verifies one segment of the
// export (a byte range of a .jsonl file, read as a stream from
// `file.slice(start - 1)`; or the whole decompressed stream of a .jsonl.gz,
// which cannot be split) with the core's SegmentVerifier, then answers the
// stitch: its summary, its id buckets, the duplicates in one bucket, and
// its answer to the stitch's request. Every rule is the core's; this file
// only moves bytes and documents (JSON text) between the file, the module
// and the page.
import init, * as tc from '../pkg-verify/trustcore_wasm.js';

const ready = init();
let segment = null;
const PROGRESS_MS = 100;

function registryFrom(text) {
  const doc = JSON.parse(text);
  return Array.isArray(doc?.keys) ? tc.SignerRegistry.fromJwks(text) : tc.SignerRegistry.fromJson(text);
}

function fail(e) {
  postMessage({ type: 'error', name: e?.name ?? 'Error', code: e?.code ?? null, message: String(e?.message ?? e) });
}

async function verify({ file, start, end, gz, signers, options }) {
  await ready;
  const registry = registryFrom(signers);
  const t0 = performance.now();
  let last = t0;
  let v;
  let reader;
  let done = 0; // bytes of this worker's range (or compressed file) read
  const total = gz ? file.size : end - start;
  const progress = (force) => {
    const now = performance.now();
    if (force || now - last >= PROGRESS_MS) {
      last = now;
      postMessage({ type: 'progress', bytes: Math.min(done, total), rows: v.rowsFed });
    }
  };
  if (gz) {
    v = tc.SegmentVerifier.create(registry, options);
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
    v = tc.SegmentVerifier.forBytes(registry, start, end, options);
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
  segment = v.finish();
  v.free();
  registry.free();
  postMessage({ type: 'done', summary: segment.summary(), rows, ms: performance.now() - t0 });
}

onmessage = async ({ data }) => {
  try {
    switch (data.type) {
      case 'verify':
        await verify(data);
        break;
      case 'buckets': {
        const buckets = segment.idBuckets(data.segment, data.count);
        postMessage({ type: 'buckets', buckets }, buckets.map((b) => b.buffer));
        break;
      }
      case 'duplicates':
        await ready;
        postMessage({ type: 'duplicates', duplicates: tc.duplicates(data.buckets) });
        break;
      case 'answer':
        postMessage({ type: 'answer', answer: segment.answer(data.request) });
        break;
      default:
        throw new Error(`unknown message ${data.type}`);
    }
  } catch (e) {
    fail(e);
  }
};
