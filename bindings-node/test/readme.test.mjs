// The README's runnable examples (the code blocks marked `<!-- example -->`)
// run as they are written, against this build: each in a module of its own
// where `require('trustcore')` is this package, top-level await allowed.
// The values the comments promise are checked for the ones that matter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const entry = join(here, '..', 'index.js');
const readme = readFileSync(join(here, '..', 'README.md'), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'trustcore-readme-'));

const blocks = [...readme.matchAll(/<!-- example -->\n```js\n([\s\S]*?)```/g)].map((m) => m[1]);

/** The `// value` comment of each statement line that has one: [expression, value]. */
function promises(code) {
  const out = [];
  for (const line of code.split('\n')) {
    const m = line.match(/^(.*\S);\s+\/\/ ('[^']*'|\[[^\]]*\]|true|false|\d+)(?:[ :(,].*)?$/);
    if (m && !/^\s*(const|let|for|await|try|fs\.|gz\.|v\.|r\.|\/\/)/.test(line) && !m[1].includes('//')) out.push([m[1].trim(), m[2]]);
  }
  return out;
}

test('the README has runnable examples for the new sections, with values to check', () => {
  assert.ok(blocks.length >= 5, `${blocks.length} examples`);
  assert.ok(blocks.reduce((n, b) => n + promises(b).length, 0) >= 12);
});

blocks.forEach((code, i) => {
  test(`README example ${i + 1}: ${code.split('\n').find((l) => l.startsWith('//') || l.includes('tc.'))?.slice(0, 60)}`, async () => {
    // Each promised value is checked: `expr; // 'value'` becomes an assertion.
    let body = code.replace(/require\('trustcore'\)/g, `require(${JSON.stringify(entry)})`);
    for (const [expr, want] of promises(code)) {
      const e = expr.replace(/require\('trustcore'\)/g, `require(${JSON.stringify(entry)})`);
      body = body.replace(`${e};`, `__check(${JSON.stringify(expr)}, await (async () => ${e})(), ${want});`);
    }
    const file = join(dir, `example-${i + 1}.mjs`);
    writeFileSync(file, `import { createRequire } from 'node:module';\nimport assert from 'node:assert/strict';\nconst require = createRequire(${JSON.stringify(entry)});\nconst __check = (what, got, want) => assert.deepEqual(got, want, what);\n${body}\n`);
    await import(pathToFileURL(file).href);
  });
});
