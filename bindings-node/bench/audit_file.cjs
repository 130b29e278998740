// The smallest auditor: load trustcore, hold the registry, verify a JSONL
// export on disk with verifyFile, print the verdict, speed and peak RSS.
// bench/chain.mjs writes the 1M-event file it reads (signed with its key).
//
//   node bench/chain.mjs                      # once: writes the file
//   /bin/sh -c 'node bench/audit_file.cjs /tmp/trustcore-bench/chain-1000000.jsonl true; true'
//
// Run it through `sh -c` (sh forks node): Linux carries ru_maxrss across
// fork+exec, so a node spawned straight from a bigger process would report
// its parent's peak.
'use strict';
const { verifyFile, SecretKey, SignerRegistry } = require('../index.js');

const [file, trackIds = 'true', chunkSize = String(1 << 18)] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/audit_file.cjs <export.jsonl> [trackIds: true|false] [chunkSize]');
  process.exit(2);
}
const key = SecretKey.fromBytes(Buffer.alloc(32, 5)); // bench/chain.mjs's signer
const registry = SignerRegistry.fromJson(
  JSON.stringify({ signers: [{ signerId: 'kernel-signer', publicKey: key.publicKey().toBase64(), validFrom: '2026-01-01T00:00:00Z' }] }),
);
const before = process.resourceUsage().maxRSS;
const t0 = process.hrtime.bigint();
const report = verifyFile(file, registry, { trackIds: trackIds === 'true', chunkSize: Number(chunkSize) });
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
const mib = (kb) => (kb / 1024).toFixed(1);
console.log(
  `valid=${report.valid} rows=${report.rows} in ${seconds.toFixed(1)} s (${Math.round(report.rows / seconds)} events/s), ` +
    `trackIds=${trackIds}, peak RSS ${mib(process.resourceUsage().maxRSS)} MiB (${mib(before)} MiB before verifying)`,
);
process.exitCode = report.valid ? 0 : 1;
