// The binding-boundary fuzzer (issue #15): random JavaScript values (see
// values.mjs) into every export of the package and every class method,
// static method, getter and constructor, enumerated from the module (so a
// new export is fuzzed without editing this file); most calls are a valid
// call of the target (worker.mjs TEMPLATES) with one or two arguments
// replaced, so they reach past the first argument check. Calls run in batches,
// each batch in a forked child process with a watchdog: a call that hangs
// (no progress for FUZZ_CALL_MS x 2) is killed, and a child that aborts or
// crashes is reported, with the export, the method and a printable form of
// the input that caused it. Each call must return or throw an Error with a
// string `code` (a TypeError `invalid_argument` counts), or rethrow an
// error the fuzz input planted; a call slower than FUZZ_CALL_MS fails too.
//
//   node fuzz/fuzz.mjs                 (FUZZ_SECONDS, default 30; FUZZ_SEED; FUZZ_BATCH calls per child, default 400)
//
// A batch is replayed exactly with FUZZ_SEED=<its seed> FUZZ_BATCHES=1.
import { fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = dirname(fileURLToPath(import.meta.url));
const seconds = Number(process.env.FUZZ_SECONDS ?? 30);
const callMs = Number(process.env.FUZZ_CALL_MS ?? 2000);
const batch = Number(process.env.FUZZ_BATCH ?? 400);
const maxBatches = Number(process.env.FUZZ_BATCHES ?? Infinity);
const baseSeed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));

function runBatch(seed) {
  return new Promise((resolve) => {
    const child = fork(join(here, 'worker.mjs'), [String(seed), String(batch), String(callMs)], {
      // No stdin (verifyFd on descriptor 0 reads nothing); output kept.
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    let last = null;
    let stats = null;
    let stderr = '';
    const failures = [];
    let timer = null;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        failures.push({ seed, ...(last ?? {}), failure: `hang: no progress for ${2 * callMs} ms; killed` });
        child.kill('SIGKILL');
      }, 2 * callMs + 3000 * (last === null));
    };
    arm();
    child.stderr.on('data', (d) => { stderr = (stderr + d).slice(-4000); });
    child.stdout.on('data', () => {});
    child.on('message', (m) => {
      if (m.k === 'call') {
        last = { i: m.i, id: m.id, desc: m.desc };
        arm();
      } else if (m.k === 'failure') failures.push({ seed, ...m });
      else if (m.k === 'stats') stats = m.stats;
      else if (m.k === 'fatal') failures.push({ seed, failure: m.message });
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const hung = failures.some((f) => f.failure.startsWith('hang: no progress'));
      if (!hung && (code !== 0 || signal)) {
        failures.push({ seed, ...(last ?? {}), failure: `the process died (exit ${code}, signal ${signal}) during this call`, stderr: stderr.slice(-1500) });
      }
      resolve({ stats, failures });
    });
  });
}

async function main() {
  const require = createRequire(import.meta.url);
  const t = require('../index.js');
  const { targets } = await import('./worker.mjs');
  const list = targets();
  const kinds = {};
  for (const x of list) kinds[x.kind] = (kinds[x.kind] ?? 0) + 1;
  const exportsCount = Object.keys(t).length;
  console.log(`fuzz: ${list.length} targets from ${exportsCount} exports (${kinds.function ?? 0} functions and static methods, ${kinds.method ?? 0} methods, ${kinds.getter ?? 0} getters, ${kinds.new ?? 0} constructors); ${seconds}s, ${batch} calls per child, call limit ${callMs} ms, seed ${baseSeed}`);
  const t0 = Date.now();
  const total = { calls: 0, threw: 0, codes: {}, perTarget: {}, okPerTarget: {} };
  const failures = [];
  let batches = 0;
  while (Date.now() - t0 < seconds * 1000 && batches < maxBatches) {
    const seed = (baseSeed + batches) >>> 0;
    const { stats, failures: f } = await runBatch(seed);
    batches++;
    failures.push(...f);
    if (stats) {
      total.calls += stats.calls;
      total.threw += stats.threw;
      for (const [k, n] of Object.entries(stats.codes)) total.codes[k] = (total.codes[k] ?? 0) + n;
      for (const [k, n] of Object.entries(stats.perTarget)) total.perTarget[k] = (total.perTarget[k] ?? 0) + n;
      for (const [k, n] of Object.entries(stats.okPerTarget)) total.okPerTarget[k] = (total.okPerTarget[k] ?? 0) + n;
    }
    if (failures.length >= 20) break;
  }
  const secs = (Date.now() - t0) / 1000;
  const untouched = list.map((x) => x.id).filter((id) => !total.perTarget[id]);
  const top = Object.entries(total.codes).sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, n]) => `${k} ${n}`).join(', ');
  console.log(`fuzz: ${total.calls} calls in ${batches} batches, ${secs.toFixed(1)}s (${(total.calls / secs).toFixed(0)} calls/s including process start-up); ${total.threw} threw: ${top}`);
  console.log(`fuzz: ${list.length - untouched.length}/${list.length} targets called${untouched.length ? `; not reached: ${untouched.join(', ')}` : ''}`);
  const neverOk = list.map((x) => x.id).filter((id) => !total.okPerTarget[id]);
  console.log(`fuzz: ${list.length - neverOk.length}/${list.length} targets returned normally at least once${process.env.FUZZ_VERBOSE && neverOk.length ? ` (never: ${neverOk.join(', ')})` : ''}`);
  if (failures.length) {
    for (const f of failures) {
      console.log(`\nFAILURE (seed ${f.seed}, call ${f.i ?? '?'}): ${f.failure}\n  target: ${f.id ?? '?'}\n  input:  ${f.desc ?? '?'}${f.stack ? `\n  ${f.stack.replace(/\n/g, '\n  ')}` : ''}${f.stderr ? `\n  stderr: ${f.stderr}` : ''}`);
      console.log(`  replay: FUZZ_SEED=${f.seed} FUZZ_BATCHES=1 FUZZ_BATCH=${batch} node fuzz/fuzz.mjs`);
    }
    console.log(`\nfuzz: ${failures.length} failure(s)`);
    process.exit(1);
  }
  console.log('fuzz: no abort, no hang, every error coded');
}

main();
