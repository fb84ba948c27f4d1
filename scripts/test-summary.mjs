// Sums the vitest JSON reports of every package into one closing line: "tests: N passed, N failed, N skipped".
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const folders = ['packages', 'plugins'].flatMap((root) =>
  existsSync(root) ? readdirSync(root).map((name) => join(root, name)) : [],
);
folders.push('test-e2e');

let passed = 0;
let failed = 0;
let skipped = 0;
let suitesFailed = 0;
const missing = [];
for (const folder of folders) {
  if (!existsSync(join(folder, 'package.json'))) continue;
  const file = join(folder, 'test-results.json');
  if (!existsSync(file)) {
    missing.push(folder);
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
  suitesFailed += report.numFailedTestSuites;
  console.log(
    `${folder}: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${report.numPendingTests} skipped`,
  );
}
if (missing.length > 0) console.log(`no test report from: ${missing.join(', ')}`);
if (suitesFailed > 0) console.log(`${suitesFailed} test file(s) failed to run`);
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || suitesFailed > 0 || missing.length > 0 ? 1 : 0);
