// Audit-chain verification throughput and memory from Node.
//
//   npm run bench:chain            (BENCH_EVENTS, default 20000, for the
//                                   throughput table; BENCH_ROUNDS, default 3;
//                                   BENCH_1M_EVENTS, default 1000000, 0 skips
//                                   the streaming run)
//
// 1. Throughput on ~700-byte events (the same chain for every contender):
//    `verifyJsonl` (all cores, and 1 thread), `ChainVerifier.feed` with
//    64 KiB chunks, `verifyJsonlAsync`, against the naive Node loop: per
//    event `JSON.parse`, drop hash/signature, npm `canonicalize`,
//    `crypto.createHash('sha256')`, link check, and
//    `crypto.verify(null, signingInput, publicKeyObject, sig)` (OpenSSL).
// 2. A 1M-event file, generated once with `ChainWriter.append` and cached
//    under /tmp/trustcore-bench/, verified by streaming
//    `fs.createReadStream` chunks into `ChainVerifier.feed`, each variant in
//    a fresh child process so `process.resourceUsage().maxRSS` is that run's
//    peak. Linux keeps ru_maxrss across fork+exec (a child spawned straight
//    from this process would report at least this process's own RSS), so
//    each run is started through `/bin/sh -c` (a small process forks it);
//    /proc/self/status VmHWM is printed as a cross-check.
import { createRequire } from 'node:module';
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { createReadStream, readFileSync, readSync, existsSync, mkdirSync, renameSync, statSync, openSync, writeSync, closeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const trustcore = require('../index.js');
const canonicalize = require('canonicalize');
const { SecretKey, SignerRegistry, ChainWriter, ChainVerifier, verifyJsonl, verifyJsonlAsync, verifyFile } = trustcore;

const key = SecretKey.fromBytes(Buffer.alloc(32, 5));
const registryJson = JSON.stringify({
  signers: [{ signerId: 'kernel-signer', publicKey: key.publicKey().toBase64(), validFrom: '2026-01-01T00:00:00Z' }],
});
const registry = SignerRegistry.fromJson(registryJson);

/** A ~700-byte audit event body (row length ~700 bytes once signed). */
function body(i) {
  const ts = new Date(Date.UTC(2026, 2, 1) + i * 1000).toISOString().replace('.000Z', 'Z');
  return {
    id: `6f1c2a4e-0000-4000-8000-${i.toString(16).padStart(12, '0')}`,
    ts,
    eventType: 'allocation.approved',
    actor: 'svc:kernel-api',
    payload: {
      allocation: `alloc-${i}`,
      amount: 1250.5 + (i % 97),
      division: 'research',
      approver: 'alice@example.com',
      manifest: 'sha256:' + crypto.createHash('sha256').update(String(i)).digest('hex'),
      note: 'Quarterly compute; café ☕',
      tags: { env: 'prod', region: 'eu-west-1', ticket: `OPS-${10000 + (i % 5000)}` },
    },
  };
}

function makeChain(n) {
  const w = ChainWriter.create('kernel-signer', key.publicKey());
  const rows = new Array(n);
  for (let i = 0; i < n; i++) rows[i] = w.append(body(i + 1), key);
  return rows;
}

/** The naive Node loop over JSONL text; returns the number of valid events. */
function naiveVerify(text, publicKeyObject) {
  let prev = '0'.repeat(64);
  let seq = 0;
  let valid = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end);
    start = end + 1;
    if (line.trim() === '') continue;
    const row = JSON.parse(line);
    const { hash, signature, ...rest } = row;
    const computed = crypto.createHash('sha256').update(canonicalize(rest)).digest('hex');
    const linked = row.seq === seq + 1 && row.prev_hash === prev;
    const input = canonicalize({
      alg: 'ed25519',
      kind: 'trustcore.audit-event',
      payload: { hash: `sha256:${hash}` },
      signer: row.signer_id,
      type: 'trustcore.signing-input/v1',
    });
    const sigOk = crypto.verify(null, Buffer.from(input), publicKeyObject, Buffer.from(signature, 'base64'));
    if (linked && computed === hash && sigOk) valid++;
    prev = hash;
    seq = row.seq;
  }
  return valid;
}

function timeIt(fn) {
  const t0 = performance.now();
  const out = fn();
  return [(performance.now() - t0) / 1000, out];
}

async function timeItAsync(fn) {
  const t0 = performance.now();
  const out = await fn();
  return [(performance.now() - t0) / 1000, out];
}

function fmt(n) {
  return Math.round(n).toLocaleString('en-US');
}

// ---- child mode: one streaming run over the 1M file -------------------------
let v2report;
if (process.argv[2] === '--stream') {
  const [file, trackIds, threads, reader = 'stream', chunkKb = '64'] = process.argv.slice(3);
  const opts = { trackIds: trackIds === 'true' };
  if (threads !== 'all') opts.threads = Number(threads);
  const t0 = performance.now();
  const size = Number(chunkKb) * 1024;
  const v = reader === 'verifyFile' ? null : ChainVerifier.create(registry, opts);
  if (reader === 'verifyFile') {
    // The package's one-call file audit (the addon reads the file).
    const report = verifyFile(file, registry, { ...opts, chunkSize: size });
    v2report = report;
  } else if (reader === 'stream') {
    for await (const chunk of createReadStream(file, { highWaterMark: size })) v.feed(chunk);
  } else {
    // One reused buffer: no garbage for the GC to collect.
    const buf = Buffer.allocUnsafe(size);
    const fd = openSync(file, 'r');
    for (let n; (n = readSync(fd, buf, 0, size, null)) > 0; ) v.feed(buf.subarray(0, n));
    closeSync(fd);
  }
  const report = v ? v.finish() : v2report;
  const seconds = (performance.now() - t0) / 1000;
  // VmHWM: the peak RSS of this process image (a cross-check of maxRSS).
  const hwm = Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? NaN);
  process.stdout.write(
    JSON.stringify({ valid: report.valid, rows: report.rows, seconds, maxRssKb: process.resourceUsage().maxRSS, hwmKb: hwm }),
  );
  process.exit(0);
}

// ---- 1. throughput -------------------------------------------------------------
const n = Number(process.env.BENCH_EVENTS ?? 20000);
const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
console.log(`node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'})`);
const [genSeconds, rows] = timeIt(() => makeChain(n));
const text = rows.join('\n') + '\n';
const bytes = Buffer.from(text);
const avg = (bytes.length / n).toFixed(0);
console.log(`generated ${fmt(n)} events (${avg} bytes per row) with ChainWriter.append in ${genSeconds.toFixed(2)} s (${fmt(n / genSeconds)} events/s)\n`);

const pub = crypto.createPublicKey(key.publicKey().toPem());
const contenders = [
  ['naive Node loop (JSON.parse + canonicalize + sha256 + crypto.verify)', () => naiveVerify(text, pub)],
  ['verifyJsonl(buffer), all cores', () => verifyJsonl(bytes, registry).rows],
  ['verifyJsonl(buffer), threads: 1', () => verifyJsonl(bytes, registry, { threads: 1 }).rows],
  ['verifyJsonl(string), all cores', () => verifyJsonl(text, registry).rows],
  ['ChainVerifier.feed (64 KiB chunks), all cores', () => {
    const v = ChainVerifier.create(registry);
    for (let i = 0; i < bytes.length; i += 1 << 16) v.feed(bytes.subarray(i, i + (1 << 16)));
    return v.finish().rows;
  }],
  ['ChainVerifier.feed (64 KiB chunks), threads: 1', () => {
    const v = ChainVerifier.create(registry, { threads: 1 });
    for (let i = 0; i < bytes.length; i += 1 << 16) v.feed(bytes.subarray(i, i + (1 << 16)));
    return v.finish().rows;
  }],
];
// Everyone agrees the chain is valid before anything is timed.
if (naiveVerify(text, pub) !== n || !verifyJsonl(bytes, registry).valid) throw new Error('contenders disagree');

const best = new Map();
for (let r = 0; r < rounds; r++) {
  for (const [name, fn] of contenders) {
    const [s, count] = timeIt(fn);
    if (count !== n) throw new Error(`${name}: ${count} != ${n}`);
    best.set(name, Math.max(best.get(name) ?? 0, n / s));
  }
  const [s] = await timeItAsync(() => verifyJsonlAsync(bytes, registry));
  best.set('verifyJsonlAsync(buffer), all cores (libuv pool)', Math.max(best.get('verifyJsonlAsync(buffer), all cores (libuv pool)') ?? 0, n / s));
}
const naive = best.get(contenders[0][0]);
console.log(`| ${fmt(n)} events, ~${avg} B each (best of ${rounds}) | events/s | vs naive |`);
console.log('|---|---:|---:|');
for (const [name, rate] of best) console.log(`| ${name} | ${fmt(rate)} | ${(rate / naive).toFixed(2)}× |`);

// ---- 2. one million events, streamed -----------------------------------------------
const big = Number(process.env.BENCH_1M_EVENTS ?? 1_000_000);
if (big > 0) {
  const dir = '/tmp/trustcore-bench';
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `chain-${big}.jsonl`);
  if (!existsSync(file)) {
    console.log(`\ngenerating ${fmt(big)} events into ${file} (once; cached) ...`);
    const tmp = `${file}.partial`;
    const fd = openSync(tmp, 'w');
    const w = ChainWriter.create('kernel-signer', key.publicKey());
    const t0 = performance.now();
    let buf = [];
    for (let i = 1; i <= big; i++) {
      buf.push(w.append(body(i), key));
      if (buf.length === 10000) {
        writeSync(fd, buf.join('\n') + '\n');
        buf = [];
      }
    }
    if (buf.length) writeSync(fd, buf.join('\n') + '\n');
    closeSync(fd);
    renameSync(tmp, file);
    console.log(`generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  const size = statSync(file).size;
  console.log(`\n${fmt(big)} events, ${(size / 1e6).toFixed(0)} MB, fed in chunks into ChainVerifier.feed, one fresh process each:\n`);
  console.log('| variant | valid | seconds | events/s | peak RSS (maxRSS) | VmHWM |');
  console.log('|---|---|---:|---:|---:|---:|');
  const variants = [
    ['true', 'all', 'verifyFile', '256'],
    ['false', 'all', 'verifyFile', '256'],
    ['false', 'all', 'stream', '64'],
    ['true', 'all', 'stream', '64'],
    ['false', '1', 'stream', '64'],
    ['false', 'all', 'stream', '16'],
    ['false', 'all', 'readSync', '64'],
  ];
  for (const [trackIds, threads, reader, kb] of variants) {
    const q = (a) => `'${String(a).replace(/'/g, `'\\''`)}'`;
    const cmd = [process.execPath, fileURLToPath(import.meta.url), '--stream', file, trackIds, threads, reader, kb].map(q).join(' ');
    // `sh -c 'node …; true'`: sh forks node (not exec), so node starts
    // from sh's small image.
    const out = JSON.parse(execFileSync('/bin/sh', ['-c', `${cmd}; true`], { encoding: 'utf8', maxBuffer: 1 << 20 }));
    if (out.rows !== big || !out.valid) throw new Error(`stream run: ${JSON.stringify(out)}`);
    console.log(
      `| ${{ stream: `createReadStream ${kb} KiB`, readSync: `readSync, one reused ${kb} KiB buffer`, verifyFile: `verifyFile(path), ${kb} KiB reads` }[reader]}, trackIds: ${trackIds}, threads: ${threads} | ${out.valid} | ${out.seconds.toFixed(1)} | ${fmt(out.rows / out.seconds)} | ${(out.maxRssKb / 1024).toFixed(1)} MiB | ${(out.hwmKb / 1024).toFixed(1)} MiB |`,
    );
  }
  // Baseline: an idle Node process with the addon loaded.
  const idleJs = `require(${JSON.stringify(join(here, '..', 'index.js'))}); process.stdout.write(String(process.resourceUsage().maxRSS))`;
  const idle = Number(execFileSync('/bin/sh', ['-c', `'${process.execPath}' -e '${idleJs.replace(/'/g, `'\\''`)}'; true`], { encoding: 'utf8' }));
  console.log(`\nbaseline: node with the addon loaded, idle: ${(idle / 1024).toFixed(1)} MiB maxRSS`);
}
