import { describe, expect, it } from 'vitest';
import { createIgnoreRules } from '../../src/sync/ignore-rules.js';

describe('IgnoreRules', () => {
  it('ignores the built-ins anywhere, files and folders alike', async () => {
    const rules = await createIgnoreRules();
    expect(rules.ignores('.git', true)).toBe(true);
    expect(rules.ignores('.git', false)).toBe(true); // a submodule's .git file
    expect(rules.ignores('pkg/node_modules', true)).toBe(true);
    expect(rules.ignores('pkg/node_modules/x/index.js', false)).toBe(true);
    expect(rules.ignores('docs/.DS_Store', false)).toBe(true);
    expect(rules.ignores('src/.agentkernel-tmp-abc-x', false)).toBe(true);
    expect(rules.ignores('src/index.ts', false)).toBe(false);
    expect(rules.ignores('gitignore', false)).toBe(false);
  });

  it('applies .gitignore semantics: globs, anchors, folder-only rules and negation', async () => {
    const rules = await createIgnoreRules();
    rules.addFile(
      '',
      '.gitignore',
      '# comment\n*.log\n!keep.log\n/build\ntmp/\ndocs/*.md\n!docs/README.md\n',
    );
    expect(rules.ignores('a.log', false)).toBe(true);
    expect(rules.ignores('deep/x/b.log', false)).toBe(true);
    expect(rules.ignores('keep.log', false)).toBe(false);
    expect(rules.ignores('build', true)).toBe(true);
    expect(rules.ignores('src/build', true)).toBe(false); // anchored to the root
    expect(rules.ignores('tmp', true)).toBe(true);
    expect(rules.ignores('tmp', false)).toBe(false); // a file named tmp is not a folder
    expect(rules.ignores('docs/guide.md', false)).toBe(true);
    expect(rules.ignores('docs/README.md', false)).toBe(false);
    expect(rules.ignores('sub/docs/guide.md', false)).toBe(false);
  });

  it('applies a nested .gitignore to its own subtree only, overriding the root', async () => {
    const rules = await createIgnoreRules();
    rules.addFile('', '.gitignore', '*.gen\n');
    rules.addFile('pkg', '.gitignore', '!*.gen\nout/\n/local.txt\n');
    expect(rules.ignores('a.gen', false)).toBe(true);
    expect(rules.ignores('pkg/a.gen', false)).toBe(false);
    expect(rules.ignores('pkg/deeper/b.gen', false)).toBe(false);
    expect(rules.ignores('pkg/out', true)).toBe(true);
    expect(rules.ignores('out', true)).toBe(false);
    expect(rules.ignores('pkg/local.txt', false)).toBe(true);
    expect(rules.ignores('pkg/sub/local.txt', false)).toBe(false);
  });

  it('lets a nested rule file re-include a folder a shallower one excludes, with its contents', async () => {
    const rules = await createIgnoreRules();
    rules.addFile('', '.gitignore', 'cache/\n*.tmp\n');
    rules.addFile('pkg', '.gitignore', '!cache/\n');
    expect(rules.ignores('cache', true)).toBe(true);
    expect(rules.ignores('pkg/cache', true)).toBe(false);
    expect(rules.ignores('pkg/cache/data.bin', false)).toBe(false);
    expect(rules.ignores('pkg/cache/scratch.tmp', false)).toBe(true);
    expect(rules.ignores('pkg/cache/deeper/x', false)).toBe(false);
  });

  it('never re-includes a path whose folder is ignored', async () => {
    const rules = await createIgnoreRules();
    rules.addFile('', '.gitignore', 'vendor/\n!vendor/keep.txt\n');
    rules.addFile('vendor', '.gitignore', '!keep2.txt\n');
    expect(rules.ignores('vendor/keep.txt', false)).toBe(true);
    expect(rules.ignores('vendor/keep2.txt', false)).toBe(true);
  });

  it('lets .agentkernelignore override .gitignore in the same folder', async () => {
    const rules = await createIgnoreRules();
    rules.addFile('', '.agentkernelignore', '!secret-but-needed.env\nlarge-data/\n');
    rules.addFile('', '.gitignore', '*.env\n');
    expect(rules.ignores('secret-but-needed.env', false)).toBe(false);
    expect(rules.ignores('other.env', false)).toBe(true);
    expect(rules.ignores('large-data', true)).toBe(true);
  });

  it('lets a rule file re-include a built-in', async () => {
    const rules = await createIgnoreRules();
    rules.addFile('', '.agentkernelignore', '!node_modules\n');
    expect(rules.ignores('node_modules', true)).toBe(false);
    expect(rules.pruneNames().map((p) => p.name)).not.toContain('node_modules');
  });

  it('prunes only literal names that no negation anywhere could re-include', async () => {
    const rules = await createIgnoreRules();
    rules.addFile('', '.gitignore', 'dist/\n*.pyc\n/anchored\ncache\n__pycache__/\n');
    rules.addFile('pkg', '.gitignore', '!__pycache*\n');
    const names = Object.fromEntries(rules.pruneNames().map((p) => [p.name, p.dirOnly]));
    expect(names).toMatchObject({ '.git': false, node_modules: false, dist: true, cache: false });
    expect(names).not.toHaveProperty('*.pyc');
    expect(names).not.toHaveProperty('anchored');
    expect(names).not.toHaveProperty('__pycache__');
    expect(names).not.toHaveProperty('.agentkernel-tmp-*');
  });
});
