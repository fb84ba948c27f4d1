// Helpers shared by the sync and snapshot benchmarks: a reproducible workspace, a local-backend
// sandbox, timing, and running one benchmark module on its own.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Backend, SandboxHandle } from '@agentkernel/core';
import { createLocalBackend, localPlugin } from '@agentkernel/backend-local';
import { seededRandom } from '@agentkernel/fake-kit';
import { formatFigure, type BenchResult } from './result.js';

const WORDS =
  'const let function return import export from await async if else for while class interface type value data result error string number'.split(
    ' ',
  );

/** Source-like text of about `size` bytes (compresses like code does). */
export function text(next: () => number, size: number): Buffer {
  const parts: string[] = [];
  let length = 0;
  while (length < size) {
    const line = `${'  '.repeat(Math.floor(next() * 4))}${Array.from({ length: 3 + Math.floor(next() * 8) }, () => WORDS[Math.floor(next() * WORDS.length)]).join(' ')};\n`;
    parts.push(line);
    length += line.length;
  }
  return Buffer.from(parts.join('')).subarray(0, size);
}

/** Incompressible bytes. */
export function binary(next: () => number, size: number): Buffer {
  const buffer = Buffer.alloc(size);
  for (let i = 0; i < size; i += 4) buffer.writeUInt32LE(Math.floor(next() * 4294967296), i);
  return buffer;
}

export interface WorkspaceShape {
  /** Files in total; all but `binaries` are ~10 KB text files, 100 to a folder. */
  files: number;
  /** Large incompressible files, each `binaryBytes`. */
  binaries: number;
  binaryBytes: number;
  textBytes: number;
}

/** The 5,000-file, 100 MB workspace of DESIGN.md section 11: half text, half incompressible. */
export const STANDARD_WORKSPACE: WorkspaceShape = {
  files: 5000,
  binaries: 20,
  binaryBytes: 2_500_000,
  textBytes: 10_050,
};

/** Writes the workspace into `dir` and returns its text file paths (relative) and total bytes. */
export async function generateWorkspace(
  dir: string,
  shape: WorkspaceShape = STANDARD_WORKSPACE,
): Promise<{ textFiles: string[]; bytes: number }> {
  const next = seededRandom(42);
  const textFiles: string[] = [];
  let bytes = 0;
  for (let i = 0; i < shape.files; i++) {
    const folder = `pkg-${String(Math.floor(i / 100)).padStart(2, '0')}`;
    if (i % 100 === 0) await mkdir(join(dir, folder), { recursive: true });
    const isBinary =
      i % Math.floor(shape.files / shape.binaries) === 0 &&
      i / Math.floor(shape.files / shape.binaries) < shape.binaries;
    const path = `${folder}/${isBinary ? `blob-${i}.bin` : `module-${i}.ts`}`;
    const data = isBinary ? binary(next, shape.binaryBytes) : text(next, shape.textBytes);
    await writeFile(join(dir, path), data);
    bytes += data.length;
    if (!isBinary) textFiles.push(path);
  }
  return { textFiles, bytes };
}

export interface BenchSandbox {
  home: string;
  backend: Backend;
  handle: SandboxHandle;
  cleanup(): Promise<void>;
}

/** A local-backend sandbox under a temporary home. */
export async function localSandbox(name: string): Promise<BenchSandbox> {
  const home = await mkdtemp(join(tmpdir(), `ak-bench-${name}-`));
  const backend = createLocalBackend({ dataDir: join(home, 'data') }, localPlugin);
  const handle = await backend.create({
    name,
    network: false,
    ports: [],
    env: {},
    workspaceDir: '/workspace',
    labels: {},
  });
  return {
    home,
    backend,
    handle,
    cleanup: async () => {
      await handle.destroy().catch(() => undefined);
      await rm(home, { recursive: true, force: true });
    },
  };
}

/** Runs `task` and returns its result with the wall-clock milliseconds it took. */
export async function timed<T>(task: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const started = performance.now();
  const result = await task();
  return { ms: performance.now() - started, result };
}

export const MB = 1_000_000;

/** When a benchmark module is run directly (`node --import tsx bench/<name>.ts`), run it and write its JSON. */
export async function runIfMain(moduleUrl: string, bench: () => Promise<BenchResult>): Promise<void> {
  if (!process.argv[1] || moduleUrl !== pathToFileURL(process.argv[1]).href) return;
  const result = await bench();
  process.stdout.write(`${result.name}\n`);
  for (const figure of result.figures) process.stdout.write(`${formatFigure(figure)}\n`);
  for (const note of result.notes ?? []) process.stdout.write(`  note: ${note}\n`);
  const dir = new URL('../results/', import.meta.url);
  await mkdir(dir, { recursive: true });
  await writeFile(
    new URL(`${result.name}.json`, dir),
    `${JSON.stringify({ ...result, date: new Date().toISOString() }, null, 2)}\n`,
  );
  if (result.figures.some((f) => f.budget?.met === false)) process.exitCode = 1;
}
