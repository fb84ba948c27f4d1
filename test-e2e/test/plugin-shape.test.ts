import { join, relative } from 'node:path';
import { describe, it } from 'vitest';
import { checkPlugin, pluginFolders, RULES, type ShapeReport } from './shape/check-plugin.js';

// Every plugins/* folder, including ones added after this test was written, against ADD-BACKEND.md.
const root = join(import.meta.dirname, '..', '..');
const reports = new Map<string, Promise<ShapeReport>>();
const reportOf = (dir: string): Promise<ShapeReport> => {
  if (!reports.has(dir)) reports.set(dir, checkPlugin(dir, root));
  return reports.get(dir)!;
};

describe.each(pluginFolders(root).map((dir) => [relative(root, dir), dir]))('%s', (_, dir) => {
  it.each(RULES.map((rule) => [rule]))('follows the rule "%s"', async (rule) => {
    const problems = (await reportOf(dir))[rule];
    if (problems.length > 0)
      throw new Error(
        `${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join('\n')}\nfix them, then rerun: pnpm build && pnpm --filter @agentkernel/test-e2e exec vitest run test/plugin-shape.test.ts`,
      );
  });
});
