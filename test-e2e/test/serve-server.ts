// Starts the built `agentkernel serve` as a user would, on a free port, and reads the address it prints.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { CLI_BIN } from './helpers.js';

export interface RunningServer {
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything the server printed on stderr so far (its request log, warnings). */
  stderr(): string;
  stop(): Promise<void>;
}

export interface ServerOptions {
  readonly home: string;
  readonly cwd?: string;
  readonly args?: readonly string[];
  readonly env?: Record<string, string | undefined>;
}

/** `agentkernel serve -p 0 ...args`, resolved once it listens. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const env: Record<string, string | undefined> = {
    ...process.env,
    NO_COLOR: '1',
    AGENTKERNEL_HOME: options.home,
    ...options.env,
  };
  for (const key of ['E2B_API_KEY', 'AGENTKERNEL_API_KEY'])
    if (!(options.env && key in options.env)) delete env[key];
  const child = spawn(process.execPath, [CLI_BIN, 'serve', '-p', '0', ...(options.args ?? [])], {
    cwd: options.cwd ?? options.home,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`serve printed no address in 30 s:\n${stderr}`)),
        30_000,
      );
      lines.once('line', (line) => {
        clearTimeout(timer);
        resolve(line.trim());
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`serve exited (${String(code)}) before listening:\n${stderr}`));
      });
    });
    return {
      url,
      child,
      stderr: () => stderr,
      stop: async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      },
    };
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
}
