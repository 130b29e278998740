'use strict';
// One worker of `verifyFileParallel` (lib/parallel.js): verifies the byte
// range [start, end) of the file with `SegmentVerifier.forBytes`, reading
// it with a stream from `start - 1` until the segment has all its lines,
// sends its summary and its id bucket, then answers the stitch's request.

const fs = require('node:fs');
const { parentPort, workerData } = require('node:worker_threads');
const native = require('../native.js');

const { file, start, end, index, signers, options, chunkSize } = workerData;

function errorOf(e) {
  return { name: e?.name ?? 'Error', code: typeof e?.code === 'string' ? e.code : 'ERR_WORKER', message: String(e?.message ?? e) };
}

async function main() {
  const registry = native.SignerRegistry.fromJson(signers);
  const verifier = native.SegmentVerifier.forBytes(registry, start, end, options);
  const from = Number(start) > 0 ? Number(start) - 1 : 0;
  const stream = fs.createReadStream(file, { start: from, highWaterMark: chunkSize });
  for await (const chunk of stream) {
    verifier.pushBytes(chunk);
    if (!verifier.needsMore) {
      stream.destroy();
      break;
    }
  }
  const segment = verifier.finish();
  const [bucket] = segment.idBuckets(index, 1);
  parentPort.postMessage({ summary: segment.summary(), bucket });
  parentPort.on('message', (m) => {
    try {
      parentPort.postMessage({ answer: segment.answer(m.request) });
    } catch (e) {
      parentPort.postMessage({ error: errorOf(e) });
    }
  });
}

main().catch((e) => parentPort.postMessage({ error: errorOf(e) }));
