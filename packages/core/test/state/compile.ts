import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
const RELATIVE_IMPORT = /from '(\.{1,2}\/[^']+)\.js'/g;

/**
 * Transpiles `src/<entry>` and every module it imports, relatively, into a temporary folder, so that a
 * plain `node` child process can run the real state code without a build of the whole package (which
 * would also depend on everyone else's work in progress). Returns the URL of the compiled entry.
 */
export async function compileForChild(entry: string): Promise<string> {
  const ts = (await import('typescript')).default;
  const out = await mkdtemp(join(tmpdir(), 'agentkernel-state-build-'));
  const pending = [join(SRC, entry)];
  const done = new Set<string>();
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (done.has(file)) continue;
    done.add(file);
    const source = await readFile(file, 'utf8');
    for (const match of source.matchAll(RELATIVE_IMPORT)) pending.push(join(dirname(file), `${match[1]}.ts`));
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2022,
        verbatimModuleSyntax: true,
      },
      fileName: file,
    });
    const target = join(out, relative(SRC, file)).replace(/\.ts$/, '.js');
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, outputText);
  }
  return pathToFileURL(join(out, entry.replace(/\.ts$/, '.js'))).href;
}
