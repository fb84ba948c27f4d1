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
// Printed last, so the tail of a CI log says what failed and why, not only that something did.
const failures = [];
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
  for (const file of report.testResults) {
    const failedTests = file.assertionResults.filter((test) => test.status === 'failed');
    for (const test of failedTests)
      failures.push(`${folder}: ${test.fullName}\n${excerpt(test.failureMessages)}`);
    if (failedTests.length === 0 && file.status === 'failed')
      failures.push(`${folder}: ${file.name} did not run\n${excerpt([file.message])}`);
  }
  console.log(
    `${folder}: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${report.numPendingTests} skipped`,
  );
}
for (const failure of failures) console.log(`FAILED ${failure}`);
if (missing.length > 0) console.log(`no test report from: ${missing.join(', ')}`);
if (suitesFailed > 0) console.log(`${suitesFailed} test file(s) failed to run`);
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || suitesFailed > 0 || missing.length > 0 ? 1 : 0);

function excerpt(messages) {
  const lines = (messages ?? [])
    .join('\n')
    .split('\n')
    .filter((line) => line.trim() !== '');
  return lines
    .slice(0, 6)
    .map((line) => `    ${line.slice(0, 300)}`)
    .join('\n');
}
