// An audit trail from a Node service, end to end:
//
//   bash bindings-node/ci.sh --build-only   # once
//   node examples/node/audit_chain.mjs
//
// 1. The service appends events through an async, KMS-like signer (a local
//    function that awaits before signing, as a KMS round trip would): the
//    signer only ever sees the bytes the core prepared, and its answer is
//    verified before the row exists (fail closed).
// 2. It exports the chain as JSONL to examples/out/chain.jsonl.
// 3. An auditor verifies the export streaming (fs.createReadStream chunks
//    into ChainVerifier.feed) against the signer registry, and in one call
//    with verifyFile (one reused buffer: flat memory for any file size).
// 4. One row is tampered with: the verifier reports exactly one break.
// 5. Rows arrive shuffled (several workers' exports): replay restores the
//    one chain order, which verifies again.
// 6. The log signs a Merkle checkpoint of the chain through the same
//    KMS-like signer (Checkpoint.signWith), and one event is checked on its
//    own against it with an inclusion proof, as the control panel does in
//    the browser (verifyEventInCheckpoint); a tampered copy fails.
// Exits non-zero on any failure.
import { createReadStream, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const {
  SecretKey, SignerRegistry, ChainWriter, ChainVerifier, verifyJsonl, verifyFile, replay, canonicalize,
  MerkleTree, Checkpoint, VerifierKey, verifyEventInCheckpoint,
} = require(
  join(here, '..', '..', 'bindings-node', 'index.js'),
);

function check(condition, what) {
  if (!condition) {
    console.error(`FAILED: ${what}`);
    process.exit(1);
  }
  console.log(`ok: ${what}`);
}

// The KMS key (fixed seed so the demo is reproducible; a real KMS never
// hands it out) and the registry every auditor holds.
const kmsKey = SecretKey.fromBytes(Buffer.alloc(32, 11));
const registry = SignerRegistry.fromJson(
  JSON.stringify({
    signers: [{ signerId: 'kernel-signer', publicKey: kmsKey.publicKey().toBase64(), validFrom: '2026-01-01T00:00:00Z' }],
  }),
);

/** A KMS-like remote signer: async, sees only the prepared bytes. */
async function kmsSign(message) {
  await new Promise((resolve) => setTimeout(resolve, 2)); // the network round trip
  return kmsKey.sign(message);
}

// 1. Append.
const writer = ChainWriter.create('kernel-signer', kmsKey.publicKey());
const rows = [];
for (let i = 1; i <= 12; i++) {
  rows.push(
    await writer.appendWith(
      {
        id: `7d1e6c52-0000-4000-8000-${String(i).padStart(12, '0')}`,
        ts: `2026-03-01T12:00:${String(i).padStart(2, '0')}Z`,
        eventType: i % 3 === 0 ? 'manifest.signed' : 'allocation.approved',
        actor: 'svc:kernel-api',
        payload: { allocation: i, amount: 100 * i, currency: 'EUR' },
      },
      kmsSign,
    ),
  );
}
console.log(`appended ${rows.length} events; head seq ${writer.head.seq} hash ${writer.head.hash}`);

// A KMS answering with another key's signature is refused; nothing is appended.
const rogue = SecretKey.fromBytes(Buffer.alloc(32, 12));
let refused = null;
try {
  await writer.appendWith(
    { id: '7d1e6c52-0000-4000-8000-0000000000ff', ts: '2026-03-01T12:01:00Z', eventType: 'x', actor: 'y', payload: null },
    async (m) => rogue.sign(m),
  );
} catch (err) {
  refused = err;
}
check(refused?.code === 'remote_signature_invalid' && writer.head.seq === 12, 'a wrong remote signature is refused (fail closed)');

// 2. Export.
const out = join(here, '..', 'out');
mkdirSync(out, { recursive: true });
const file = join(out, 'chain.jsonl');
writeFileSync(file, rows.join('\n') + '\n');
console.log(`wrote ${relative(process.cwd(), file)}`);

// 3. Verify streaming, in small chunks as they come off the disk.
const verifier = ChainVerifier.create(registry, { expectedHead: writer.head });
for await (const chunk of createReadStream(file, { highWaterMark: 256 })) verifier.feed(chunk);
const report = verifier.finish();
console.log(`streamed: valid=${report.valid} rows=${report.rows} merkle root ${report.merkle.root}`);
check(report.valid && report.rows === 12, 'the export verifies');
const oneCall = verifyFile(file, registry, { expectedHead: writer.head });
check(JSON.stringify(oneCall) === JSON.stringify(report), 'verifyFile(path) gives the same report in one call');

// 4. Tamper with one row: the amount of event 5.
const tampered = rows.map((line, i) => {
  if (i !== 4) return line;
  const row = JSON.parse(line);
  row.payload.amount = 1_000_000;
  return JSON.stringify(row);
});
const bad = verifyJsonl(tampered.join('\n'), registry);
for (const b of bad.breaks) console.log(`break at row ${b.position} (seq ${b.seq}, id ${b.id}): ${b.reason}: ${b.message}`);
check(!bad.valid && bad.breaks.length === 1 && bad.breaks[0].reason === 'hash_mismatch' && bad.breaks[0].seq === 5, 'the tampered row is one break');

// 5. Shuffled rows: replay restores the order.
const shuffled = rows.slice().sort((a, b) => (JSON.parse(a).id < JSON.parse(b).id ? 1 : -1));
const replayed = replay(shuffled);
// The events come back as row objects (the ten columns); their canonical
// JSON is the exported line.
check(replayed.events.map((e) => canonicalize(e).toString()).join('\n') === rows.join('\n'), 'replay restores the chain order');
check(replayed.forks.length === 0 && replayed.orphans.length === 0, 'no forks, no orphans');
const again = ChainVerifier.create(registry, { expectedHead: writer.head });
for (const event of replayed.events) again.feedRow(event);
check(again.finish().valid, 'the replayed chain verifies (row objects fed to a verifier)');

// 6. A signed checkpoint and one event checked against it.
const origin = 'audit.example/kernel';
const logKey = VerifierKey.create(origin, kmsKey.publicKey());
const tree = MerkleTree.fromLeafData(rows.map((r) => Buffer.from(JSON.parse(r).hash, 'hex')));
check(tree.root().toString('hex') === report.merkle.root, "the verifier's Merkle root is the tree's");
const note = await Checkpoint.create(origin, tree.size, tree.root()).signWith(logKey, async (message) => {
  await new Promise((resolve) => setTimeout(resolve, 5)); // the KMS round trip
  return kmsKey.sign(message);
});
console.log(`signed checkpoint:\n${note}`);
const proof = tree.inclusionProof(4, tree.size);
const one = verifyEventInCheckpoint(rows[4], 4, proof, note, [logKey], registry);
console.log(`event seq ${one.event?.seq} in checkpoint of size ${one.checkpoint.checkpoint.size}: valid=${one.valid}`);
check(one.valid && one.event.seq === 5, 'one event verifies against the signed checkpoint with its inclusion proof');
const forged = verifyEventInCheckpoint(tampered[4], 4, proof, note, [logKey], registry);
console.log(`tampered copy: valid=${forged.valid} stage=${forged.stage} reason=${forged.reason}`);
check(!forged.valid && forged.stage === 'row' && forged.reason === 'hash_mismatch', 'a tampered copy of it does not');
