'use strict';
// `verifyFileParallel` (#14): one JSONL export verified by several
// `worker_threads`, each a byte range of the file (`splitBytes`,
// `SegmentVerifier.forBytes`, read with a stream from `start - 1`), then
// stitched on this thread into exactly `verifyFile`'s report
// (docs/segments.md). Only IO and messaging live here: the plan (options,
// `workers`, `chunkSize`) is read by the core's options reader
// (`parallelVerifyPlan`), the ranges are the core's `splitBytes`, and the
// summaries, requests and answers are the core's documents, passed between
// threads as JSON text. A worker keeps its `Segment` (about 110 bytes a
// row) until it has answered.

const fs = require('node:fs');
const os = require('node:os');
const { join } = require('node:path');
const { fileURLToPath } = require('node:url');
const { Worker } = require('node:worker_threads');
const native = require('../native.js');

function invalidArgument(message) {
  const err = new TypeError(message);
  err.code = 'invalid_argument';
  return err;
}

function pathName(path) {
  if (typeof path === 'string') return path;
  if (Buffer.isBuffer(path)) return path.toString();
  if (path instanceof URL) return fileURLToPath(path);
  throw invalidArgument(`path must be a string, a Buffer or a URL, got ${path === null ? 'null' : typeof path}`);
}

/** One worker, driven by messages: its summary, then one answer or none. */
function startWorker(data) {
  const worker = new Worker(join(__dirname, 'parallel-worker.js'), { workerData: data });
  const waiting = [];
  let failed = null;
  const fail = (err) => {
    if (failed) return;
    failed = err;
    for (const w of waiting.splice(0)) w.reject(err);
  };
  worker.on('message', (m) => {
    const w = waiting.shift();
    if (!w) return;
    if (m.error) {
      const err = new Error(m.error.message);
      err.name = m.error.name;
      err.code = m.error.code;
      w.reject(err);
    } else w.resolve(m);
  });
  worker.on('error', fail);
  worker.on('exit', (code) => fail(Object.assign(new Error(`a verify worker exited (code ${code})`), { code: 'ERR_WORKER_EXITED' })));
  const next = () => new Promise((resolve, reject) => (failed ? reject(failed) : waiting.push({ resolve, reject })));
  return {
    next,
    send: (m) => worker.postMessage(m),
    stop: () => worker.terminate(),
  };
}

/**
 * Verifies a JSONL export on disk with `options.workers` worker threads
 * (default `os.availableParallelism()`), each verifying one byte range, and
 * stitches their segments into exactly the report `verifyFile(path,
 * registry, options)` gives. Options are `verifyFile`'s (`VerifyOptions`
 * and `chunkSize`, each worker's read size) plus `workers`, read by the
 * core. Each worker checks signatures on `threads` cores (default: every
 * core): with as many workers as cores, `threads: 1` avoids
 * oversubscription. File errors reject with Node's (`ENOENT`, ...).
 */
async function verifyFileParallel(path, registry, options) {
  const file = pathName(path);
  const plan = native.parallelVerifyPlan(options);
  // Checks the registry and the verify options (synchronously, before any
  // worker starts).
  new native.SegmentVerifier(registry, plan.options).finish();
  const workers = plan.workers ?? (typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length);
  const { size } = await fs.promises.stat(file);
  const ranges = native.splitBytes(size, workers);
  const signers = registry.toJson();
  const started = ranges.map(([start, end], index) =>
    startWorker({ file, start, end, index, signers, options: plan.options, chunkSize: plan.chunkSize }));
  try {
    const firsts = await Promise.all(started.map((w) => w.next()));
    const summaries = firsts.map((m) => m.summary);
    const dups = native.duplicates(firsts.map((m) => Buffer.from(m.bucket)));
    const stitcher = new native.Stitcher(summaries, dups, plan.options);
    const requests = stitcher.requests();
    const answers = await Promise.all(requests.map((text) => {
      const k = JSON.parse(text).segment;
      const w = started[k];
      w.send({ request: text });
      return w.next().then((m) => m.answer);
    }));
    return stitcher.finish(answers);
  } finally {
    await Promise.all(started.map((w) => w.stop()));
  }
}

module.exports = { verifyFileParallel };
