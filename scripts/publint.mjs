// Lints every published package as npm will see it: each one is packed with pnpm (which applies
// `publishConfig` and rewrites `workspace:` ranges) and publint reads the tarball. On top of publint,
// the packed manifest must not name the `@agentkernel/source` development condition, and the tarball
// must hold its LICENSE and CHANGELOG.md and no declaration map (they point at unpublished sources).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';

const root = join(import.meta.dirname, '..');
const workspaces = ['packages', 'plugins'].flatMap((group) =>
  readdirSync(join(root, group), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('_'))
    .map((entry) => join(root, group, entry.name)),
);

const out = mkdtempSync(join(tmpdir(), 'agentkernel-publint-'));
let failures = 0;
try {
  for (const dir of workspaces) {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    if (pkg.private) continue;
    const where = relative(root, dir);
    const packed = JSON.parse(
      execFileSync('pnpm', ['pack', '--json', '--pack-destination', out], { cwd: dir, encoding: 'utf8' }),
    );
    const problems = [];
    const tarball = readFileSync(packed.filename);
    const result = await publint({ pack: { tarball: tarball.buffer }, strict: true });
    for (const message of result.messages)
      problems.push(`${message.type}: ${formatMessage(message, result.pkg, { color: false })}`);
    if (JSON.stringify(result.pkg.exports ?? {}).includes('@agentkernel/source'))
      problems.push(
        'error: the published exports name the @agentkernel/source condition; copy "exports" without it to "publishConfig.exports"',
      );
    const files = packed.files.map((file) => file.path);
    for (const required of ['LICENSE', 'CHANGELOG.md', 'README.md'])
      if (!files.includes(required)) problems.push(`error: ${required} is not published; add it to "files"`);
    for (const file of files.filter((path) => path.endsWith('.d.ts.map')))
      problems.push(`error: ${file} is published; declaration maps point at sources that are not`);
    if (problems.length > 0) {
      failures += problems.length;
      console.error(`${where} (${pkg.name}):\n${problems.map((p) => `  ${p}`).join('\n')}`);
    }
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
if (failures > 0) {
  console.error(`publint: ${failures} problem(s)`);
  process.exit(1);
}
console.log('publint: every published package is clean');
