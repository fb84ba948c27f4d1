import type { IsolatedProcess } from '@agentkernel/core/isolation';
import type { WebSocket } from 'ws';
import { SANDBOX_HOME, spawnInSandbox } from './layout.js';

/** The subprotocol with which the SDK asks for an `exited` control message before the close. */
export const PTY_EXIT_CONTROL = 'X-Daytona-Pty-Exit-Control';
const ENVS_PREFIX = 'X-Daytona-Pty-Envs~';

export interface PtyRequest {
  readonly id: string;
  readonly cols: number;
  readonly rows: number;
  readonly cwd: string | undefined;
  readonly protocols: readonly string[];
}

/** The environment the SDK sends as a subprotocol token: base64url of a JSON object of strings. */
export function ptyEnvs(protocols: readonly string[]): Record<string, string> {
  const token = protocols.find((protocol) => protocol.startsWith(ENVS_PREFIX));
  if (token === undefined) return {};
  const parsed: unknown = JSON.parse(
    Buffer.from(token.slice(ENVS_PREFIX.length), 'base64url').toString('utf8'),
  );
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new Error('the PTY envs token is not a JSON object');
  return Object.fromEntries(
    Object.entries(parsed as Record<string, unknown>).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );
}

interface LivePty {
  readonly process: IsolatedProcess;
  cols: number;
  rows: number;
}

/**
 * The PTY sessions of one sandbox. A PTY is a login shell under util-linux `script`, which gives it a
 * real terminal inside the sandbox; output goes to the socket in binary frames, the socket's messages
 * are the terminal's input. `resize` records the size (the fake cannot reach the inner terminal).
 */
export class PtyTable {
  private readonly ptys = new Map<string, LivePty>();

  constructor(
    private readonly root: string,
    private readonly procDir: string,
    private readonly env: () => { env: Readonly<Record<string, string>>; network: boolean },
  ) {}

  has(id: string): boolean {
    return this.ptys.has(id);
  }

  info(id: string): { id: string; cols: number; rows: number } | undefined {
    const pty = this.ptys.get(id);
    return pty === undefined ? undefined : { id, cols: pty.cols, rows: pty.rows };
  }

  resize(id: string, cols: number, rows: number): boolean {
    const pty = this.ptys.get(id);
    if (pty === undefined) return false;
    pty.cols = cols;
    pty.rows = rows;
    return true;
  }

  kill(id: string): boolean {
    const pty = this.ptys.get(id);
    pty?.process.kill();
    return pty !== undefined;
  }

  closeAll(): void {
    for (const pty of this.ptys.values()) pty.process.kill();
  }

  /** Starts a PTY and connects `socket` to it until the shell exits. */
  async attach(socket: WebSocket, request: PtyRequest): Promise<void> {
    const { env, network } = this.env();
    const inner = `stty cols ${request.cols} rows ${request.rows} 2>/dev/null; exec "\${SHELL:-/bin/sh}" -l`;
    const process = await spawnInSandbox({
      root: this.root,
      network,
      procDir: this.procDir,
      argv: ['script', '-qfec', inner, '/dev/null'],
      cwd: request.cwd ?? SANDBOX_HOME,
      env: { TERM: 'xterm-256color', SHELL: '/bin/bash', ...env, ...ptyEnvs(request.protocols) },
      stdin: 'pipe',
    });
    this.ptys.set(request.id, { process, cols: request.cols, rows: request.rows });
    const send = (chunk: Buffer): void => {
      if (socket.readyState === socket.OPEN) socket.send(chunk, { binary: true });
    };
    process.stdout?.on('data', send);
    process.stderr?.on('data', send);
    socket.on('message', (data: Buffer) => process.stdin?.write(data));
    socket.on('close', () => process.kill());
    socket.send(JSON.stringify({ type: 'control', status: 'connected' }));
    const exit = await process.exited;
    this.ptys.delete(request.id);
    const exitCode = exit.exitCode;
    const exitReason =
      exitCode === 0 ? undefined : exitCode > 128 ? `signal ${exitCode - 128}` : 'non-zero exit';
    if (socket.readyState !== socket.OPEN) return;
    if (request.protocols.includes(PTY_EXIT_CONTROL)) {
      socket.send(JSON.stringify({ type: 'control', status: 'exited', exitCode, exitReason }));
    }
    socket.close(exitCode === 0 ? 1000 : 1011, JSON.stringify({ exitCode, exitReason }));
  }
}
