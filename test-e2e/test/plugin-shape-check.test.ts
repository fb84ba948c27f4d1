import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkPlugin, RULES, type Rule } from './shape/check-plugin.js';

// The shape check itself, on broken copies of a real plugin: each break must be reported, by file and
// with what to do. The copies live under test-e2e/ so their built module resolves @agentkernel/core.
const root = join(import.meta.dirname, '..', '..');
const scratch = mkdtempSync(join(import.meta.dirname, '..', '.shape-check-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let copies = 0;
function brokenCopy(edit: (dir: string) => void): string {
  const dir = join(scratch, String(copies++), 'agentcomputer');
  cpSync(join(root, 'plugins', 'agentcomputer'), dir, {
    recursive: true,
    filter: (path) => !path.includes('node_modules'),
  });
  edit(dir);
  return dir;
}

const edit = (dir: string, file: string, change: (text: string) => string): void =>
  writeFileSync(join(dir, file), change(readFileSync(join(dir, file), 'utf8')));

async function problemsOf(dir: string): Promise<Partial<Record<Rule, string[]>>> {
  const report = await checkPlugin(dir, root);
  return Object.fromEntries(
    RULES.filter((rule) => report[rule].length > 0).map((rule) => [rule, report[rule]]),
  );
}

describe('the plugin shape check', () => {
  it('passes an unchanged copy of a plugin', async () => {
    expect(await problemsOf(brokenCopy(() => undefined))).toEqual({});
  });

  it('reports code in src/index.ts, with its line', async () => {
    const dir = brokenCopy((d) => edit(d, 'src/index.ts', (t) => `${t}export const extra = 1;\n`));
    expect(await problemsOf(dir)).toEqual({
      'src/index.ts': [expect.stringMatching(/src\/index\.ts:\d+: only re-exports .* belong here/)],
    });
  });

  it('reports a module that imports src/plugin.ts back', async () => {
    const dir = brokenCopy((d) =>
      edit(
        d,
        'src/agentcomputer-backend.ts',
        (t) => `import { agentcomputerPlugin } from './plugin.js';\n${t}\nvoid agentcomputerPlugin;\n`,
      ),
    );
    expect((await problemsOf(dir))['src/name.ts and src/plugin.ts']).toEqual([
      expect.stringMatching(/agentcomputer-backend\.ts:1 imports src\/plugin\.ts: only src\/index\.ts may/),
    ]);
  });

  it('reports a version kept by hand and an edited tsconfig', async () => {
    const dir = brokenCopy((d) => {
      writeFileSync(join(d, 'src/version.ts'), "export const VERSION = '0.0.0';\n");
      edit(d, 'tsconfig.json', (t) => t.replace('"noEmit": true', '"noEmit": false'));
    });
    expect((await problemsOf(dir))['copied files']).toEqual([
      expect.stringContaining('src/version.ts differs from the copy in ADD-BACKEND.md'),
      expect.stringContaining('tsconfig.json differs from the copy in ADD-BACKEND.md'),
    ]);
  });

  it('reports imports that leave the plugin, bare built-ins and undeclared packages', async () => {
    const dir = brokenCopy((d) =>
      edit(
        d,
        'src/agentcomputer-backend.ts',
        (t) =>
          `import '../../../packages/core/src/index.js';\nimport 'fs';\nimport 'left-pad';\nimport '../src/testing/fake.js';\n${t}`,
      ),
    );
    const problems = (await problemsOf(dir)).imports;
    expect(problems).toEqual([
      expect.stringMatching(
        /backend\.ts:1 imports \.\.\/\.\.\/\.\.\/packages\/core\/src\/index\.js, outside the plugin/,
      ),
      expect.stringMatching(/backend\.ts:2 imports "fs": write "node:fs"/),
      expect.stringMatching(/backend\.ts:3 imports left-pad, which package\.json does not declare/),
      expect.stringMatching(/backend\.ts:4 imports the offline fake/),
    ]);
  });

  it('reports published exports that name the source condition, and a vendor SDK not pinned', async () => {
    const dir = brokenCopy((d) =>
      edit(d, 'package.json', (t) => {
        const pkg = JSON.parse(t) as Record<string, Record<string, unknown>>;
        delete pkg.publishConfig!.exports;
        pkg.dependencies = { 'left-pad': '^1.3.0' };
        return JSON.stringify(pkg, null, 2);
      }),
    );
    edit(dir, 'src/plugin.ts', (t) => `import 'left-pad';\n${t}`);
    const problems = await problemsOf(dir);
    expect(problems['package.json']).toEqual([
      expect.stringContaining(
        'publishConfig.exports must be "exports" without the @agentkernel/source condition',
      ),
    ]);
    expect(problems.imports).toEqual([
      expect.stringContaining('the vendor SDK left-pad must be pinned exactly, not "^1.3.0"'),
    ]);
  });

  it("reports a fake's protocol library installed with the plugin instead of as an optional peer", async () => {
    const dir = brokenCopy((d) => {
      mkdirSync(join(d, 'src/testing'));
      writeFileSync(join(d, 'src/testing/fake.ts'), "import 'busboy';\nimport 'ws';\n");
      edit(d, 'package.json', (t) => {
        const pkg = JSON.parse(t) as Record<string, Record<string, unknown>>;
        pkg.dependencies = { busboy: '^1.6.0' };
        pkg.peerDependencies = { ...pkg.peerDependencies, ws: '^8.21.3' };
        return JSON.stringify(pkg, null, 2);
      });
    });
    expect((await problemsOf(dir)).imports).toEqual([
      expect.stringMatching(
        /src\/testing\/fake\.ts:1 imports busboy, which only the offline fake .* declare it in peerDependencies, not dependencies/,
      ),
      expect.stringMatching(/package\.json: peerDependenciesMeta\["ws"\] must be \{ "optional": true \}/),
    ]);
  });

  it('reports a missing LICENSE and a built module older than package.json', async () => {
    const dir = brokenCopy((d) => {
      rmSync(join(d, 'LICENSE'));
      edit(d, 'package.json', (t) => t.replace('"version": "0.0.0"', '"version": "9.9.9"'));
    });
    const problems = await problemsOf(dir);
    expect(problems.files).toEqual([expect.stringContaining('agentcomputer/LICENSE is missing')]);
    expect(problems['built module']).toEqual([
      expect.stringContaining(
        `the built plugin's version is "0.0.0" and VERSION "0.0.0", not package.json's "9.9.9"`,
      ),
    ]);
  });

  it('reports a factory whose parameters do not follow create<Name>Backend(context, plugin, ...)', async () => {
    const dir = brokenCopy((d) =>
      edit(d, 'src/agentcomputer-backend.ts', (t) =>
        t.replace(
          'createAgentcomputerBackend(context: BackendContext, plugin: BackendPlugin)',
          'createAgentcomputerBackend(plugin: BackendPlugin, context: BackendContext)',
        ),
      ),
    );
    expect((await problemsOf(dir))['src/<name>-backend.ts']).toEqual([
      expect.stringContaining(
        'the first parameter of createAgentcomputerBackend must be context: BackendContext',
      ),
      expect.stringContaining(
        'the second parameter of createAgentcomputerBackend must be plugin: BackendPlugin',
      ),
    ]);
  });
});
