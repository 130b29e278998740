// The boundary fuzzer (#15): random and hostile JS values into every
// export and every class method, getter and constructor of pkg-node, for
// FUZZ_SECONDS (default 30), in batches, each batch a child process
// (test/fuzz/worker.mjs) under a watchdog, so that an abort (a trap, a
// crash, running out of memory) or a hang is caught and reported with the
// input that caused it.
//
//   node test/fuzz/run.mjs                 # FUZZ_SECONDS=30, FUZZ_SEED=<time>
//   FUZZ_SECONDS=300 FUZZ_SEED=7 node test/fuzz/run.mjs
//   node test/fuzz/worker.mjs <seed> <calls> --replay <n>   # one call again
//   FUZZ_REPORT=<file>: every finding and the counts as JSON
//   FUZZ_PKG=<folder>: fuzz another nodejs build (default pkg-node)
//
// Asserts: no abort, no `WebAssembly.RuntimeError` (`unreachable`) ever, no
// call slower than FUZZ_CALL_MS (default 2000 ms; a call that has not
// returned after FUZZ_HANG_MS, default 10000, is a hang and the batch is
// killed), the module still works after each batch's calls, and every
// thrown error is an `Error` with a string `code` (a TypeError
// `invalid_argument` counts), except the fuzzer's own exceptions from its
// getters and Proxy traps, which must come back unchanged.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const seconds = Number(process.env.FUZZ_SECONDS ?? 30);
const hangMs = Number(process.env.FUZZ_HANG_MS ?? 10000);
const batch = Number(process.env.FUZZ_BATCH ?? 400);
let seed = Number(process.env.FUZZ_SEED ?? (Date.now() % 1e9));
const worker = fileURLToPath(new URL('./worker.mjs', import.meta.url));

const deadline = Date.now() + seconds * 1000;
const findings = [];
const perTarget = new Map();
const outcomes = new Map();
let calls = 0;
let batches = 0;
let callMs = 0;
let enumerated = { count: 0, kinds: {} };

function runBatch(batchSeed) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [worker, String(batchSeed), String(batch)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let last = null; // the CALL line without its DONE yet
    let buf = '';
    let stderr = '';
    let timer = null;
    let hung = false;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        hung = true;
        child.kill('SIGKILL');
      }, hangMs);
    };
    arm();
    child.stdout.on('data', (chunk) => {
      buf += chunk;
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const sp = line.indexOf(' ');
        const kind = line.slice(0, sp);
        let data;
        try {
          data = JSON.parse(line.slice(sp + 1));
        } catch {
          continue;
        }
        if (kind === 'CALL') {
          last = data;
          arm();
        } else if (kind === 'DONE') {
          last = null;
          calls += 1;
          callMs += data.ms;
          perTarget.set(data.target, (perTarget.get(data.target) ?? 0) + 1);
          outcomes.set(data.outcome, (outcomes.get(data.outcome) ?? 0) + 1);
        } else if (kind === 'TARGETS') {
          enumerated = data;
        } else if (kind === 'FINDING') {
          findings.push(data);
        }
      }
    });
    child.stderr.on('data', (chunk) => {
      stderr = (stderr + chunk).slice(-4000);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      batches += 1;
      if (hung) {
        findings.push({ seed: batchSeed, ...last, problem: `hang: no answer after ${hangMs} ms (batch killed)` });
      } else if (code !== 0 && code !== 1 && code !== 3) {
        findings.push({ seed: batchSeed, ...(last ?? {}), problem: `the process died (exit ${code}, signal ${signal}): ${stderr.trim().split('\n').slice(-6).join(' | ')}` });
      } else if (code === 1 && !findings.some((f) => f.seed === batchSeed)) {
        findings.push({ seed: batchSeed, problem: `the batch failed: ${stderr.trim().split('\n').slice(-6).join(' | ')}` });
      }
      resolve();
    });
  });
}

const started = Date.now();
while (Date.now() < deadline) {
  await runBatch(seed);
  seed += 1;
}
const elapsed = (Date.now() - started) / 1000;

const targets = [...perTarget.keys()];
console.log(`fuzz: ${calls} calls in ${batches} batches over ${elapsed.toFixed(1)} s: ${(calls / elapsed).toFixed(0)} calls/s with process start-up, ${(calls / Math.max(callMs / 1000, 0.001)).toFixed(0)} calls/s of call time`);
const kindList = Object.entries(enumerated.kinds).map(([k, n]) => `${n} ${k}s`).join(', ');
console.log(`fuzz: ${enumerated.count} targets enumerated from the module (${kindList}), ${targets.length} reached; outcomes: ${[...outcomes].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, n]) => `${k} ${n}`).join(', ')}`);
if (process.env.FUZZ_REPORT) {
  // Every finding and the counts, for a closer look (FUZZ_REPORT=<file>).
  writeFileSync(process.env.FUZZ_REPORT, JSON.stringify({ calls, batches, seconds: elapsed, perTarget: Object.fromEntries(perTarget), outcomes: Object.fromEntries(outcomes), findings }, null, 1));
}
if (findings.length) {
  console.log(`fuzz: ${findings.length} finding(s); replay one with: node test/fuzz/worker.mjs <seed> ${batch} --replay <n>`);
  for (const f of findings.slice(0, 20)) console.log(`  ${JSON.stringify(f)}`);
  process.exit(1);
}
console.log('fuzz: no abort, no trap, no hang, no code-less error');
