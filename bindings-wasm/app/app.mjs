// The control panel's verifier (#13): a static page over the verify module
// (pkg-verify). Files are read in this page only; every verdict, report,
// message and number format is the core's. What this file does: read
// files (picker or drop; gzip through DecompressionStream), run the export
// verification across Web Workers by byte ranges (splitBytes +
// SegmentVerifier.forBytes in each worker) and stitch the segments with the
// core's Stitcher, and show the results.
import init, * as tc from '../pkg-verify/trustcore_wasm.js';

const $ = (id) => document.getElementById(id);
const state = {
  registryText: null,
  exportFile: null,
  exportGz: false,
  profile: null, // a document or a built-in name; null: trustcore/v1
  checkpoint: null, // {size, root} from an opened checkpoint
  module: null, // the verify module, compiled once for the page and the workers
  run: null,
  report: null,
  snapshot: null,
  batch: null,
  policySet: null,
  record: null,
};
const fmt = (n) => tc.thousands(typeof n === 'bigint' ? n : Math.max(0, Math.round(Number(n))));

/** The error text of a thrown value: the core's message (name and code included). */
function errorText(e) {
  if (e && typeof e.code === 'string') return `${e.name} ${e.code}: ${e.message}`;
  return String(e?.message ?? e);
}
function showError(id, e) {
  $(id).textContent = e ? errorText(e) : '';
}

async function fileText(file) {
  return readAll(file).then((b) => new TextDecoder('utf-8', { fatal: false }).decode(b));
}

/** Is this a gzip file (by its first two bytes)? */
async function isGzip(file) {
  const head = new Uint8Array(await file.slice(0, 2).arrayBuffer());
  return head[0] === 0x1f && head[1] === 0x8b;
}

/** A file's bytes, decompressed when it is gzip. */
async function readAll(file) {
  if (await isGzip(file)) {
    return new Uint8Array(await new Response(file.stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer());
  }
  return new Uint8Array(await file.arrayBuffer());
}

/** JSON text with bigints (a seq beyond 2^53 that a row claims) as exact integers. */
function stringify(value, indent) {
  const mark = '\u0000bigint:';
  return JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? `${mark}${v}` : v), indent).replace(/"\\u0000bigint:(-?\d+)"/g, '$1');
}

// ---------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------

function onFile(id, handler) {
  $(id).addEventListener('change', async () => {
    const file = $(id).files?.[0];
    if (file) await handler(file);
  });
}

function wireDrops() {
  for (const zone of document.querySelectorAll('[data-drop]')) {
    const input = zone.querySelector('input[type=file]');
    zone.addEventListener('dragover', (ev) => {
      ev.preventDefault();
      zone.classList.add('dragover');
    });
    zone.addEventListener('dragleave', () => zone.classList.remove('dragover'));
    zone.addEventListener('drop', (ev) => {
      ev.preventDefault();
      zone.classList.remove('dragover');
      if (ev.dataTransfer?.files?.length) {
        input.files = ev.dataTransfer.files;
        input.dispatchEvent(new Event('change'));
      }
    });
  }
}

function wireTabs() {
  const tabs = [...document.querySelectorAll('.tab')];
  for (const tab of tabs) {
    tab.addEventListener('click', () => {
      for (const t of tabs) {
        t.setAttribute('aria-selected', String(t === tab));
        $(t.getAttribute('aria-controls')).hidden = t !== tab;
      }
    });
  }
}

async function onSigners(file) {
  showError('signers-error', null);
  $('signers-info').textContent = '';
  state.registryText = null;
  try {
    const text = await fileText(file);
    let reg;
    try {
      reg = tc.SignerRegistry.fromDocument(text);
    } catch (e) {
      if (e instanceof SyntaxError) throw new Error(`${file.name} is not JSON: ${e.message}`);
      throw e;
    }
    state.registryText = text;
    const ids = reg.signerIds();
    $('signers-info').textContent = `${fmt(ids.length)} signer${ids.length === 1 ? '' : 's'}: ${ids.join(', ')}`;
    reg.free();
  } catch (e) {
    $('signers-error').textContent = `This signers file cannot be used: ${errorText(e)}`;
  }
}

async function onExport(file) {
  showError('export-error', null);
  state.exportFile = file;
  state.exportGz = await isGzip(file);
  $('export-info').textContent = `${file.name}: ${fmt(file.size)} bytes${state.exportGz
    ? ' (gzip: it cannot be split, so one worker decompresses and verifies it)' : ''}`;
}

async function onProfileFile(file) {
  showError('profile-error', null);
  $('profile-info').textContent = '';
  try {
    const p = tc.loadProfile(new Uint8Array(await file.arrayBuffer()));
    state.profile = p.document;
    $('profile-info').textContent = `${p.name} (${p.digest.slice(0, 19)}…); the hash covers ${p.coverage.hashed.join(', ')}`;
  } catch (e) {
    state.profile = null;
    $('profile-error').textContent = `This profile cannot be used: ${errorText(e)}`;
  }
}

function onProfileSelect() {
  const name = $('profile-select').value;
  showError('profile-error', null);
  state.profile = name;
  const p = tc.loadProfile(name);
  $('profile-info').textContent = `${p.name}: the hash covers ${p.coverage.hashed.join(', ')}`;
}

async function onCheckpoint() {
  showError('checkpoint-error', null);
  $('checkpoint-info').textContent = '';
  state.checkpoint = null;
  const note = $('checkpoint-file').files?.[0];
  const keys = $('vkeys-file').files?.[0];
  if (!note) return;
  if (!keys) {
    $('checkpoint-info').textContent = 'Now the verifier keys that sign it.';
    return;
  }
  try {
    const vkeys = (await fileText(keys)).split('\n').map((l) => l.trim()).filter(Boolean);
    const opened = tc.openCheckpoint(new Uint8Array(await note.arrayBuffer()), vkeys);
    const cp = opened.checkpoint;
    state.checkpoint = { size: cp.size, root: cp.root };
    $('checkpoint-info').textContent = `${cp.origin}: ${fmt(cp.size)} events, root ${cp.root.slice(0, 16)}…, signed by ${opened.signers.map((s) => s.split('+')[0]).join(', ')}`;
  } catch (e) {
    $('checkpoint-error').textContent = `This checkpoint cannot be used: ${errorText(e)}`;
  }
}

// ---------------------------------------------------------------------------
// The export, across workers
// ---------------------------------------------------------------------------

function verifyOptions() {
  const o = { maxBreaks: 1000000 };
  if (state.profile) o.profile = state.profile;
  if (state.checkpoint) o.checkpoint = state.checkpoint;
  return o;
}

/**
 * A worker speaking the protocol of worker.mjs, one reply per request.
 * `stop()` terminates it and rejects what it had not answered, so that no
 * caller waits for a reply that cannot come.
 */
function spawn(onProgress) {
  const w = new Worker(new URL('./worker.mjs', import.meta.url), { type: 'module' });
  const queue = [];
  w.onmessage = ({ data }) => {
    if (data.type === 'progress') return onProgress(data);
    const next = queue.shift();
    if (!next) return;
    if (data.type === 'error') next.reject(Object.assign(new Error(data.message), { name: data.name, code: data.code }));
    else next.resolve(data);
  };
  w.onerror = (ev) => {
    const next = queue.shift();
    if (next) next.reject(new Error(ev.message || 'the worker failed'));
  };
  let stopped = false;
  return {
    ask(msg) {
      if (stopped) return Promise.reject(new Error('the worker was stopped'));
      return new Promise((resolve, reject) => {
        queue.push({ resolve, reject });
        w.postMessage(msg);
      });
    },
    stop() {
      if (stopped) return;
      stopped = true;
      w.terminate();
      for (const p of queue.splice(0)) p.reject(new Error('the worker was stopped'));
    },
  };
}

function workerCount() {
  const n = Number($('workers').value);
  return Number.isInteger(n) && n >= 1 ? Math.min(n, 8) : 1;
}

// The export is cut into parts of about PART_BYTES (at most MAX_PARTS_PER
// worker per worker, at least one per worker) that the workers take one at
// a time as they finish the last: a worker that the machine slows down
// takes fewer, so all of them end together. With one worker, one part.
const PART_BYTES = 1 << 20;
const MAX_PARTS_PER_WORKER = 64;
// The progress line is redrawn at most this often: each redraw is style,
// layout and paint work that takes CPU from the workers.
const RENDER_MS = 250;

function partCount(size, workers) {
  if (workers === 1) return 1;
  return Math.max(workers, Math.min(workers * MAX_PARTS_PER_WORKER, Math.ceil(size / PART_BYTES)));
}

async function runExport() {
  showError('run-error', null);
  if (!state.registryText) {
    $('signers-error').textContent = $('signers-error').textContent || 'Load a signers file (or JWKS) first.';
    $('signers-file').focus();
    return;
  }
  if (!state.exportFile) {
    $('export-error').textContent = 'Choose an audit export first.';
    $('export-file').focus();
    return;
  }
  const file = state.exportFile;
  const gz = state.exportGz;
  const options = verifyOptions();
  const n = gz ? 1 : workerCount();
  const parts = gz ? [[0, file.size]] : tc.splitBytes(file.size, partCount(file.size, n));
  const total = file.size;
  const perPart = parts.map(() => ({ bytes: 0, rows: 0 }));
  const t0 = performance.now();
  const run = { cancelled: false, failed: false, workers: [] };
  state.run = run;
  $('result').hidden = true;
  $('progress-box').hidden = false;
  $('verify-btn').disabled = true;
  $('cancel-btn').disabled = false;
  let shown = 0;
  const render = (force) => {
    const now = performance.now();
    if (!force && now - shown < RENDER_MS) return;
    shown = now;
    const bytes = perPart.reduce((a, p) => a + p.bytes, 0);
    const rows = perPart.reduce((a, p) => a + p.rows, 0);
    const s = (performance.now() - t0) / 1000;
    const rate = s > 0 ? rows / s : 0;
    const byteRate = s > 0 ? bytes / s : 0;
    const left = byteRate > 0 ? (total - bytes) / byteRate : NaN;
    $('progress').value = total ? bytes / total : 1;
    $('progress-text').textContent = `${fmt(bytes)} of ${fmt(total)} bytes · ${fmt(rows)} events · ${fmt(rate)} events/s · ${Number.isFinite(left) ? `${fmt(Math.ceil(left))} s left` : 'estimating time left'} · ${n} worker${n === 1 ? '' : 's'}${gz ? ' (gzip: one worker)' : ''}`;
  };
  const at = (abs) => Math.round(abs - performance.timeOrigin - t0);
  try {
    run.workers = Array.from({ length: n }, () => spawn((p) => {
      perPart[p.part] = p;
      render();
    }));
    const ready = await Promise.all(run.workers.map((w) => w.ask({ type: 'init', module: state.module })));
    // Each worker takes the next part when it has finished its last.
    const done = [];
    const owner = [];
    let next = 0;
    await Promise.all(run.workers.map(async (w, k) => {
      while (!run.cancelled && !run.failed && next < parts.length) {
        const part = next;
        next += 1;
        owner[part] = k;
        done[part] = await w.ask({ type: 'verify', part, file, start: parts[part][0], end: parts[part][1], gz, signers: state.registryText, options })
          .catch((e) => { run.failed = true; throw e; });
      }
    }));
    if (run.cancelled) return;
    const verifyMs = performance.now() - t0;
    // The stitch: id buckets shuffled by id (bucket b of every part to
    // worker b), the duplicates, one request per part, the answers.
    const B = run.workers.length;
    const buckets = await Promise.all(parts.map((_, part) => run.workers[owner[part]].ask({ type: 'buckets', part, count: B })));
    const dups = (await Promise.all(run.workers.map((w, b) => w.ask({ type: 'duplicates', buckets: buckets.map((x) => x.buckets[b]) }))))
      .flatMap((d) => d.duplicates);
    const tStitch = performance.now();
    const stitcher = tc.Stitcher.create(done.map((d) => d.summary), dups, options);
    const requests = stitcher.requests();
    const segs = stitcher.requestSegments();
    const answers = await Promise.all(requests.map((request, i) => run.workers[owner[segs[i]]].ask({ type: 'answer', part: segs[i], request })));
    const report = stitcher.finish(answers.map((a) => a.answer));
    stitcher.free();
    const ms = performance.now() - t0;
    const rows = done.reduce((a, d) => a + d.rows, 0);
    state.report = report;
    const ends = run.workers.map((_, k) => Math.max(...done.filter((_, part) => owner[part] === k).map((d) => at(d.endAt))));
    const metrics = {
      workers: n, parts: parts.length, gz, bytes: total, rows, ms: Math.round(ms), verifyMs: Math.round(verifyMs),
      eventsPerSecond: Math.round(rows / (ms / 1000)),
      // Where the time went, in ms from the click: when each worker had
      // the module and when it ended its last part; from the last part's
      // end to the report, the id exchange and the stitch.
      phases: { ready: ready.map((r) => at(r.at)), ends, exchangeMs: Math.round(tStitch - t0 - verifyMs), stitchMs: Math.round(ms - (tStitch - t0)) },
    };
    document.body.dataset.lastRun = JSON.stringify(metrics);
    parts.forEach((r, part) => { perPart[part] = { bytes: gz ? total : r[1] - r[0], rows: done[part].rows }; });
    render(true);
    showReport(report, metrics);
  } catch (e) {
    if (!run.cancelled) $('run-error').textContent = `The export could not be verified: ${errorText(e)}`;
  } finally {
    for (const w of run.workers) w.stop();
    if (state.run === run) state.run = null;
    $('verify-btn').disabled = false;
    $('cancel-btn').disabled = true;
  }
}

function cancel() {
  const run = state.run;
  if (!run) return;
  run.cancelled = true;
  for (const w of run.workers) w.stop();
  state.run = null;
  $('progress-text').textContent = 'Cancelled: nothing was verified to the end, so there is no verdict.';
  $('verify-btn').disabled = false;
  $('cancel-btn').disabled = true;
  document.body.dataset.cancelled = 'true';
}

// ---------------------------------------------------------------------------
// Results
// ---------------------------------------------------------------------------

const ROW_H = 28;

function showReport(report, metrics) {
  $('result').hidden = false;
  const v = $('verdict');
  v.textContent = report.valid ? 'Valid: every event verifies' : `Invalid: ${fmt(report.breakCount)} break${report.breakCount === 1 ? '' : 's'}`;
  v.className = `verdict ${report.valid ? 'valid' : 'invalid'}`;
  $('r-rows').textContent = fmt(report.rows);
  $('r-count').textContent = fmt(report.count);
  $('r-breaks').textContent = report.breakCount === 0 ? 'none'
    : `${fmt(report.breakCount)} (${Object.entries(report.breakCounts).map(([k, c]) => `${k}: ${fmt(c)}`).join(', ')})`;
  $('r-head').textContent = `${report.head.hash} (seq ${fmt(report.head.seq)}${report.head.ts ? `, ${report.head.ts}` : ''})`;
  $('r-root').textContent = `${report.merkle.root} over ${fmt(report.merkle.size)} events`;
  const cp = state.checkpoint;
  const cpBreak = report.breaks.some((b) => b.reason === 'checkpoint_mismatch' || b.reason === 'truncated');
  $('r-checkpoint').textContent = !cp ? 'none given'
    : cpBreak ? `does NOT match the signed checkpoint (size ${fmt(cp.size)}, root ${cp.root.slice(0, 16)}…)`
      : `matches the signed checkpoint (size ${fmt(cp.size)}, root ${cp.root.slice(0, 16)}…)`;
  $('r-speed').textContent = `${fmt(metrics.eventsPerSecond)} events/s with ${metrics.workers} worker${metrics.workers === 1 ? '' : 's'} (${fmt(metrics.ms)} ms)`;
  renderBreaks(report.breaks);
}

function renderBreaks(breaks) {
  const list = $('breaks');
  list.textContent = '';
  $('break-detail').hidden = true;
  $('breaks-h').textContent = breaks.length ? `Breaks (${fmt(breaks.length)} listed)` : 'Breaks: none';
  list.hidden = breaks.length === 0;
  $('breaks-head').hidden = breaks.length === 0;
  const spacer = document.createElement('div');
  spacer.className = 'vspacer';
  spacer.style.height = `${breaks.length * ROW_H}px`;
  list.appendChild(spacer);
  let selected = -1;
  const draw = () => {
    const first = Math.max(0, Math.floor(list.scrollTop / ROW_H) - 5);
    const last = Math.min(breaks.length, Math.ceil((list.scrollTop + list.clientHeight) / ROW_H) + 5);
    spacer.textContent = '';
    for (let i = first; i < last; i += 1) {
      const b = breaks[i];
      const row = document.createElement('button');
      row.type = 'button';
      row.className = 'vrow';
      row.setAttribute('role', 'option');
      row.setAttribute('aria-selected', String(i === selected));
      row.dataset.index = String(i);
      row.style.top = `${i * ROW_H}px`;
      for (const text of [fmt(b.position), b.id ?? '—', b.reason]) {
        const s = document.createElement('span');
        s.textContent = text;
        row.appendChild(s);
      }
      row.addEventListener('click', () => select(i));
      spacer.appendChild(row);
    }
  };
  const select = (i) => {
    selected = i;
    draw();
    showBreak(breaks[i]);
  };
  list.onscroll = () => requestAnimationFrame(draw);
  list.onkeydown = (ev) => {
    if (!breaks.length) return;
    if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      ev.preventDefault();
      const i = Math.max(0, Math.min(breaks.length - 1, selected + (ev.key === 'ArrowDown' ? 1 : -1)));
      if (i * ROW_H < list.scrollTop || (i + 1) * ROW_H > list.scrollTop + list.clientHeight) list.scrollTop = i * ROW_H - list.clientHeight / 2;
      select(i);
    }
  };
  draw();
}

/**
 * The text of row `position` of the export: rows are its lines that are
 * not blank, as the verifier counts them (docs/audit-chain.md). Read as a
 * stream; only that row is kept.
 */
async function rowAt(file, position) {
  let stream = file.stream();
  if (state.exportGz) stream = stream.pipeThrough(new DecompressionStream('gzip'));
  const reader = stream.getReader();
  const dec = new TextDecoder();
  let row = -1;
  let line = [];
  const blank = (bytes) => bytes.every((b) => b === 32 || b === 9 || b === 10 || b === 12 || b === 13);
  const finish = (parts) => {
    const all = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
    let o = 0;
    for (const p of parts) { all.set(p, o); o += p.length; }
    return all;
  };
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    let from = 0;
    for (let i = value.indexOf(10); ; i = value.indexOf(10, from)) {
      const end = i === -1 ? value.length : i;
      line.push(value.subarray(from, end));
      if (i === -1) break;
      const bytes = finish(line);
      line = [];
      if (!blank(bytes)) {
        row += 1;
        if (row === position) {
          await reader.cancel();
          return dec.decode(bytes.length > 4096 ? bytes.subarray(0, 4096) : bytes);
        }
      }
      from = i + 1;
    }
  }
  const bytes = finish(line);
  if (!blank(bytes) && row + 1 === position) return dec.decode(bytes.subarray(0, 4096));
  return null;
}

async function showBreak(b) {
  const box = $('break-detail');
  box.hidden = false;
  box.textContent = '';
  const h = document.createElement('h4');
  h.textContent = `Row ${fmt(b.position)}${b.seq !== undefined ? ` (seq ${fmt(b.seq)})` : ''}: ${b.reason}`;
  const why = document.createElement('p');
  why.textContent = b.message;
  const pre = document.createElement('pre');
  pre.textContent = 'reading the row…';
  box.append(h, why, pre);
  const text = await rowAt(state.exportFile, Number(b.position));
  pre.textContent = text ?? '(the row could not be read back: the export ended before it)';
  box.dataset.position = String(b.position);
}

function download() {
  const blob = new Blob([`${stringify(state.report, 1)}\n`], { type: 'application/json' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = 'trustcore-report.json';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

// ---------------------------------------------------------------------------
// One event, snapshots and redacted traces, policy decisions
// ---------------------------------------------------------------------------

function needRegistry(errorId) {
  if (state.registryText) return tc.SignerRegistry.fromDocument(state.registryText);
  $(errorId).textContent = 'Load a signers file (or JWKS) first (top of the page).';
  return null;
}

function verdictBlock(box, ok, title, lines) {
  box.hidden = false;
  box.textContent = '';
  const p = document.createElement('p');
  p.className = `verdict ${ok ? 'valid' : 'invalid'}`;
  p.textContent = title;
  box.appendChild(p);
  for (const l of lines) {
    const q = document.createElement('p');
    q.textContent = l;
    box.appendChild(q);
  }
}

async function runEvent() {
  showError('ev-error', null);
  const reg = needRegistry('ev-error');
  if (!reg) return;
  try {
    const file = $('ev-row-file').files?.[0];
    const row = file ? (await fileText(file)).trim() : $('ev-row').value.trim();
    let proof;
    try {
      proof = JSON.parse($('ev-proof').value || '[]');
    } catch (e) {
      throw new Error(`the inclusion proof is not a JSON array of hex hashes: ${e.message}`);
    }
    const vkeys = $('ev-vkeys').value.split('\n').map((l) => l.trim()).filter(Boolean);
    const options = state.profile ? { profile: state.profile } : null;
    const r = tc.verifyEventInCheckpoint(row, Number($('ev-index').value || 0), proof, $('ev-note').value, vkeys, reg, options);
    const cp = r.checkpoint.checkpoint;
    verdictBlock($('ev-result'), r.valid, r.valid ? `Valid: event ${fmt(r.index)} is in the signed checkpoint` : `Invalid (${r.stage}): ${r.reason}`, [
      r.message ?? '', `Checkpoint ${cp.origin}: ${fmt(cp.size)} events, root ${cp.root}`,
    ].filter(Boolean));
  } catch (e) {
    $('ev-error').textContent = errorText(e);
  } finally {
    reg.free();
  }
}

async function onSnapMeta(file) {
  showError('snap-meta-error', null);
  try {
    state.snapshot = tc.Snapshot.fromJson(new Uint8Array(await file.arrayBuffer()));
  } catch (e) {
    state.snapshot = null;
    $('snap-meta-error').textContent = `This snapshot metadata cannot be used: ${errorText(e)}`;
  }
}

async function runSnapshot() {
  const box = $('snap-result');
  showError('snap-batch-error', null);
  const file = $('snap-batch').files?.[0];
  if (!state.snapshot) { $('snap-meta-error').textContent ||= 'Choose the snapshot metadata first.'; return; }
  if (!file) { $('snap-batch-error').textContent = 'Choose the batch.'; return; }
  const reg = needRegistry('snap-batch-error');
  if (!reg) return;
  try {
    // Streamed: the batch is never in memory as a whole for verification.
    const v = tc.SnapshotVerifier.create(state.snapshot, reg);
    let stream = file.stream();
    if (await isGzip(file)) stream = stream.pipeThrough(new DecompressionStream('gzip'));
    const reader = stream.getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      v.pushBytes(value);
    }
    const r = v.finish();
    v.free();
    state.batch = file;
    verdictBlock(box, r.valid, r.valid ? `Valid: snapshot ${r.snapshotId}, ${fmt(r.records)} records` : `Invalid: snapshot ${r.snapshotId}`,
      r.failures.map((f) => `${f.line !== undefined ? `line ${fmt(f.line)}: ` : ''}${f.code}: ${f.message}`));
  } catch (e) {
    $('snap-batch-error').textContent = errorText(e);
  } finally {
    reg.free();
  }
}

function renderValue(value, opened, hidden, pointer = '') {
  // A JSON value as nested lists. The core's disclosure report says which
  // members a disclosure brought back (highlighted) and where digests stay
  // unopened (a note at that level): the page knows nothing of `_sd`.
  const li = document.createElement('li');
  if (value !== null && typeof value === 'object') {
    const ul = document.createElement('ul');
    for (const [k, v] of Object.entries(value)) {
      const at = `${pointer}/${String(k).replaceAll('~', '~0').replaceAll('/', '~1')}`;
      const child = renderValue(v, opened, hidden, at);
      const key = document.createElement('span');
      key.textContent = `${k}: `;
      if (opened.has(at)) key.className = 'disclosed';
      child.prepend(key);
      ul.appendChild(child);
    }
    const left = hidden.get(pointer) ?? 0;
    if (left > 0) {
      const note = document.createElement('li');
      note.className = 'hidden-note';
      note.textContent = `${fmt(left)} digest${left === 1 ? '' : 's'} not disclosed`;
      note.title = 'The signed record holds this many digests here that none of the disclosures given opens: hidden values (or decoys, which some producers add).';
      ul.appendChild(note);
    }
    li.appendChild(ul);
  } else {
    const s = document.createElement('code');
    s.textContent = JSON.stringify(value);
    li.appendChild(s);
  }
  return li;
}

async function runTrace() {
  showError('trace-error', null);
  const box = $('trace-result');
  if (!state.snapshot || !state.batch) { $('trace-error').textContent = 'Verify the snapshot and its batch first.'; return; }
  const reg = needRegistry('trace-error');
  if (!reg) return;
  try {
    const index = Number($('trace-index').value) - 1;
    const bytes = await readAll(state.batch);
    const lines = new TextDecoder().decode(bytes).split('\n').filter((l) => l);
    if (!(index >= 0 && index < lines.length)) throw new Error(`the batch has ${fmt(lines.length)} records; choose 1 to ${fmt(lines.length)}`);
    const dfile = $('trace-disclosures-file').files?.[0];
    const text = dfile ? await fileText(dfile) : $('trace-disclosures').value;
    const disclosures = text.split('\n').map((l) => l.trim()).filter(Boolean);
    // The record on its own: its signature and its inclusion proof.
    const proof = tc.recordProof(bytes, index);
    const r = tc.verifyRecord(state.snapshot, lines[index], index, proof, reg);
    const { view, opened, hidden } = tc.discloseReport(lines[index], disclosures);
    verdictBlock(box, r.valid, r.valid ? `Valid: record ${fmt(index + 1)} is in the signed snapshot; ${fmt(disclosures.length)} disclosure${disclosures.length === 1 ? '' : 's'} applied` : 'Invalid record',
      r.failures.map((f) => `${f.code}: ${f.message}`));
    const ul = document.createElement('ul');
    ul.className = 'tree';
    ul.appendChild(renderValue(view, new Set(opened), new Map(hidden.map((h) => [h.pointer, h.digests]))));
    box.appendChild(ul);
    box.dataset.view = JSON.stringify(view);
  } catch (e) {
    $('trace-error').textContent = errorText(e);
  } finally {
    reg.free();
  }
}

async function onPolicySet(file) {
  showError('policy-set-error', null);
  try {
    state.policySet = tc.PolicySet.fromJson(new Uint8Array(await file.arrayBuffer()));
  } catch (e) {
    state.policySet = null;
    $('policy-set-error').textContent = `This policy set cannot be used: ${errorText(e)}`;
  }
}

async function onPolicyRecord(file) {
  showError('policy-record-error', null);
  try {
    const text = (await fileText(file)).trim();
    const doc = JSON.parse(text);
    // An audit row whose payload is the record, or the record itself.
    state.record = doc?.type === 'trustcore.policy-check/v1' ? text : JSON.stringify(doc.payload ?? doc);
  } catch (e) {
    state.record = null;
    $('policy-record-error').textContent = `This record cannot be read: ${errorText(e)}`;
  }
}

function runPolicy() {
  const box = $('policy-result');
  if (!state.policySet) { $('policy-set-error').textContent ||= 'Choose the policy set.'; return; }
  if (!state.record) { $('policy-record-error').textContent ||= 'Choose the record.'; return; }
  try {
    const x = tc.explain(state.record, state.policySet);
    verdictBlock(box, x.decision === 'allow', x.summary, [`Rationale: ${x.rationale}`, `${x.policyId}@${x.policyVersion} · decision ${x.decision}${x.simMode ? ' (simulated)' : ''}`]);
    // The evaluation path as a tree: steps are in pre-order with the JSON
    // Pointer of each node in the policy; a step is a child of the nearest
    // earlier step whose node is a prefix of its own.
    const root = document.createElement('ul');
    root.className = 'tree';
    root.setAttribute('aria-label', 'evaluation path');
    const stack = [{ node: null, ul: root }];
    for (const step of x.evaluationPath) {
      while (stack.length > 1 && !step.node.startsWith(`${stack[stack.length - 1].node}/`)) stack.pop();
      const li = document.createElement('li');
      const head = document.createElement('span');
      head.className = step.result === true ? 'node-true' : step.result === false ? 'node-false' : '';
      head.textContent = `${step.node} ${step.op} → ${step.error ?? String(step.result)}`;
      li.appendChild(head);
      if (step.definition !== undefined) {
        const d = document.createElement('code');
        d.textContent = ` ${JSON.stringify(step.definition)}`;
        li.appendChild(d);
      }
      for (const ev of step.evidence ?? []) {
        const e = document.createElement('span');
        e.className = 'evidence';
        e.textContent = ` ${ev.pointer} = ${ev.missing ? '(missing)' : JSON.stringify(ev.value)}`;
        li.appendChild(e);
      }
      const ul = document.createElement('ul');
      li.appendChild(ul);
      stack[stack.length - 1].ul.appendChild(li);
      stack.push({ node: step.node, ul });
    }
    box.appendChild(root);
  } catch (e) {
    $('policy-record-error').textContent = errorText(e);
  }
}

// ---------------------------------------------------------------------------

/**
 * The verify module, compiled once: the page instantiates it and hands it
 * to every worker, so that no worker fetches or compiles it again (and the
 * engine optimizes its hot code once, not once per worker).
 */
async function compileModule() {
  const url = new URL('../pkg-verify/trustcore_wasm_bg.wasm', import.meta.url);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url.pathname}: HTTP ${response.status}`);
  // compileStreaming needs the server to say application/wasm; a static
  // host that does not gets the same module compiled from the bytes.
  if ((response.headers.get('Content-Type') ?? '').startsWith('application/wasm')) return WebAssembly.compileStreaming(response);
  return WebAssembly.compile(await response.arrayBuffer());
}

async function main() {
  wireTabs();
  wireDrops();
  try {
    state.module = await compileModule();
    await init({ module_or_path: state.module });
  } catch (e) {
    $('module-status').textContent = `The verifier could not be loaded: ${errorText(e)}`;
    return;
  }
  $('module-status').textContent = 'Ready.';
  $('version').textContent = tc.version();
  const sel = $('profile-select');
  for (const name of tc.builtinProfiles()) {
    const o = document.createElement('option');
    o.value = name;
    o.textContent = name === 'trustcore/v1' ? `${name} (default)` : name;
    sel.appendChild(o);
  }
  sel.addEventListener('change', onProfileSelect);
  const cores = navigator.hardwareConcurrency || 2;
  $('workers').value = String(Math.max(1, Math.min(cores, 4)));
  $('workers-hint').textContent = `This machine has ${cores} logical cores (at most 8 workers).`;
  onFile('signers-file', onSigners);
  onFile('export-file', onExport);
  onFile('profile-file', onProfileFile);
  onFile('checkpoint-file', onCheckpoint);
  onFile('vkeys-file', onCheckpoint);
  onFile('snap-meta', onSnapMeta);
  onFile('policy-set', onPolicySet);
  onFile('policy-record', onPolicyRecord);
  $('verify-btn').addEventListener('click', runExport);
  $('cancel-btn').addEventListener('click', cancel);
  $('download-btn').addEventListener('click', download);
  $('ev-btn').addEventListener('click', runEvent);
  $('snap-btn').addEventListener('click', runSnapshot);
  $('trace-btn').addEventListener('click', runTrace);
  $('policy-btn').addEventListener('click', runPolicy);
  document.body.dataset.ready = 'true';
}

main();
