// Segments (#14): a log verified in parts and stitched must give exactly
// the one-pass report. Used by the Node tests, the report dump and the
// browser test (plain functions over the module's API, no Node imports).
//
// The fixed cut of the report dump: the lines of the JSONL text (pieces
// between '\n'; a final empty piece after a trailing '\n' is not a line),
// n of them, cut before line ⌊n/3⌋ and line ⌊2n/3⌋; each part is fed as
// the exact text it spans (so blank lines, '\r' and a last line without a
// newline are where they were).

/** The three parts of `text` at lines ⌊n/3⌋ and ⌊2n/3⌋ (strings). */
export function cutThree(text) {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
    if (i + 1 < text.length) starts.push(i + 1);
  }
  const n = text.length === 0 ? 0 : starts.length;
  const at = (k) => (k >= n ? text.length : starts[k]);
  const a = at(Math.floor(n / 3));
  const b = at(Math.floor((2 * n) / 3));
  return [text.slice(0, a), text.slice(a, b), text.slice(b)];
}

/** One segment per part (JSONL text or bytes), fed with pushBytes. */
export function segmentsOf(api, parts, registry, options) {
  return parts.map((part) => {
    const v = api.SegmentVerifier.create(registry, options ?? null);
    v.pushBytes(part);
    const seg = v.finish();
    v.free();
    return seg;
  });
}

/** The report of `stitch` over the parts (segments held in one place). */
export function stitchedReport(api, parts, registry, options) {
  const segs = segmentsOf(api, parts, registry, options);
  const report = api.stitch(segs, options ?? null);
  segs.forEach((s) => s.free());
  return report;
}

/**
 * The report of the two-round protocol as workers and a client run it:
 * summaries (JSON text) → id buckets shuffled to `buckets` places →
 * duplicates → Stitcher → requests (text) → answers (text) → report.
 * Segments travel as bytes (`toBytes`/`fromBytes`) between the rounds.
 */
export function protocolReport(api, parts, registry, options, buckets = 3) {
  const held = segmentsOf(api, parts, registry, options).map((s) => {
    const bytes = s.toBytes();
    s.free();
    return bytes;
  });
  const segs = held.map((b) => api.Segment.fromBytes(b));
  const summaries = segs.map((s) => s.summary());
  const perBucket = Array.from({ length: buckets }, () => []);
  segs.forEach((s, k) => s.idBuckets(k, buckets).forEach((b, i) => perBucket[i].push(b)));
  const dups = perBucket.flatMap((bs) => api.duplicates(bs));
  const stitcher = api.Stitcher.create(summaries, dups, options ?? null);
  const answers = stitcher.requests().map((req) => segs[JSON.parse(req).segment].answer(req));
  const report = stitcher.finish(answers);
  stitcher.free();
  segs.forEach((s) => s.free());
  return report;
}

/**
 * The report of byte-range segments of one file (`splitBytes` +
 * `SegmentVerifier.forBytes`), each fed from `start - 1` in chunks of
 * `chunk` bytes until it needs no more, as the app's workers read a file.
 */
export function byteRangeReport(api, bytes, registry, options, parts, chunk = 97) {
  const ranges = api.splitBytes(bytes.length, parts);
  const segs = ranges.map(([start, end]) => {
    const v = api.SegmentVerifier.forBytes(registry, start, end, options ?? null);
    for (let at = Math.max(0, start - 1); at < bytes.length && v.needsMore; at += chunk) {
      v.pushBytes(bytes.subarray(at, Math.min(bytes.length, at + chunk)));
    }
    const seg = v.finish();
    v.free();
    return seg;
  });
  // Half of them moved as bytes, as a worker would hand them over.
  const report = api.stitch(segs.map((s, k) => (k % 2 ? s.toBytes() : s)), options ?? null);
  segs.forEach((s) => s.free());
  return report;
}
