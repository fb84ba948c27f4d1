// `pnpm bench`: runs every benchmark module of this folder in turn (each exports
// `default async function (): Promise<BenchResult>`), prints its figures beside their baseline and
// writes results/<name>.json. A module that fails is reported and the others still run.
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { formatFigure, type BenchResult } from './lib/result.js';

export type { BenchFigure, BenchResult } from './lib/result.js';

const here = fileURLToPath(new URL('.', import.meta.url));

async function main(filter: readonly string[]): Promise<number> {
  const files = (await readdir(here))
    // Plain names only (`sync-incremental.ts`): scratch files such as `x.tmp.ts` are never run.
    .filter((file) => /^[a-z0-9-]+\.ts$/.test(file) && file !== 'run.ts')
    .filter((file) => filter.length === 0 || filter.some((word) => file.includes(word)))
    .sort();
  await mkdir(join(here, 'results'), { recursive: true });
  let failed = 0;
  for (const file of files) {
    const module = (await import(pathToFileURL(join(here, file)).href)) as { default?: unknown };
    if (typeof module.default !== 'function') continue;
    const name = basename(file, '.ts');
    process.stdout.write(`\n${name}\n`);
    try {
      const result = await (module.default as () => Promise<BenchResult>)();
      for (const figure of result.figures) process.stdout.write(`${formatFigure(figure)}\n`);
      for (const note of result.notes ?? []) process.stdout.write(`  note: ${note}\n`);
      await writeFile(
        join(here, 'results', `${name}.json`),
        `${JSON.stringify({ ...result, date: new Date().toISOString() }, null, 2)}\n`,
      );
      if (result.figures.some((figure) => figure.budget?.met === false)) failed += 1;
    } catch (error) {
      failed += 1;
      process.stdout.write(
        `  FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
    }
  }
  return failed === 0 ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
