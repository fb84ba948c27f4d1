import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./fixtures/state-child.mjs', import.meta.url));

export interface Child {
  process: ChildProcess;
  /** Resolves when the child prints `line`. */
  waitFor(line: string): Promise<void>;
  /** Resolves with the exit code; rejects with stderr when it is not 0. */
  exited(): Promise<void>;
}

/** Starts `state-child.mjs` on the compiled state module. */
export function startChild(moduleUrl: string, home: string, mode: string, ...args: string[]): Child {
  const child = spawn(process.execPath, [SCRIPT, moduleUrl, home, mode, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: { line: string; resolve: () => void }[] = [];
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    for (const waiter of waiters) if (stdout.split('\n').includes(waiter.line)) waiter.resolve();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return {
    process: child,
    waitFor: (line) =>
      Promise.race([
        new Promise<void>((resolve) => waiters.push({ line, resolve })),
        exit.then((code) => Promise.reject(new Error(`child exited (${code}) before "${line}": ${stderr}`))),
      ]),
    exited: async () => {
      const code = await exit;
      if (code !== 0) throw new Error(`child exited with ${code}: ${stderr}`);
    },
  };
}
