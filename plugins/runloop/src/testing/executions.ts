import { EventEmitter, once } from 'node:events';
import type { Readable } from 'node:stream';
import type { IsolatedProcess } from '@agentkernel/core/isolation';

export type ExecutionStatus = 'queued' | 'running' | 'completed';
export type OutputStream = 'stdout' | 'stderr';

/** How many lines of each stream an execution view carries unless `last_n` says otherwise (Runloop's default). */
const DEFAULT_LAST_N = 100;

function lastLines(bytes: Buffer, lastN: number): { text: string; truncated: boolean } {
  const text = bytes.toString('utf8');
  const lines = text.split('\n');
  // A trailing newline ends the last line rather than starting another one.
  const count = text.endsWith('\n') ? lines.length - 1 : lines.length;
  if (count <= lastN) return { text, truncated: false };
  return { text: lines.slice(count - lastN).join('\n'), truncated: true };
}

/** One command run in a fake devbox, with everything it printed kept for views and SSE streams. */
export class FakeExecution {
  status: ExecutionStatus = 'running';
  exitStatus: number | undefined;
  // Each stream's bytes so far, in a buffer that grows by doubling (SSE readers ask for a tail often).
  private readonly buffers: Record<OutputStream, Buffer> = {
    stdout: Buffer.alloc(0),
    stderr: Buffer.alloc(0),
  };
  private readonly sizes: Record<OutputStream, number> = { stdout: 0, stderr: 0 };
  private readonly events = new EventEmitter();

  constructor(
    readonly id: string,
    readonly devboxId: string,
    readonly shellName: string | null,
    private readonly process: IsolatedProcess,
  ) {
    this.events.setMaxListeners(0);
    const drained = [this.collect('stdout', process.stdout), this.collect('stderr', process.stderr)];
    void Promise.all([process.exited, ...drained]).then(([exit]) => {
      this.exitStatus = exit.exitCode;
      this.status = 'completed';
      this.events.emit('change');
    });
  }

  private async collect(stream: OutputStream, source: Readable | null): Promise<void> {
    if (source === null) return;
    for await (const chunk of source) {
      const bytes = chunk as Buffer;
      const size = this.sizes[stream];
      if (size + bytes.length > this.buffers[stream].length) {
        const grown = Buffer.alloc(Math.max(2 * this.buffers[stream].length, size + bytes.length, 4096));
        this.buffers[stream].copy(grown, 0, 0, size);
        this.buffers[stream] = grown;
      }
      bytes.copy(this.buffers[stream], size);
      this.sizes[stream] = size + bytes.length;
      this.events.emit('change');
    }
  }

  /** Everything the stream holds from byte `offset` on. */
  bytesFrom(stream: OutputStream, offset: number): Buffer {
    return this.buffers[stream].subarray(Math.min(offset, this.sizes[stream]), this.sizes[stream]);
  }

  size(stream: OutputStream): number {
    return this.sizes[stream];
  }

  /** Resolves when output arrives or the execution completes, or after `ms`; true unless the time ran out. */
  async changed(ms: number, signal?: AbortSignal): Promise<boolean> {
    if (this.status === 'completed') return true;
    const timeout = AbortSignal.timeout(ms);
    const both = signal === undefined ? timeout : AbortSignal.any([timeout, signal]);
    try {
      await once(this.events, 'change', { signal: both });
      return true;
    } catch {
      return false;
    }
  }

  /** Waits up to `ms` for completion. */
  async completed(ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (this.status !== 'completed') {
      const left = deadline - Date.now();
      if (left <= 0 || !(await this.changed(left))) break;
    }
    return this.status === 'completed';
  }

  kill(): void {
    this.process.kill();
  }

  /** `DevboxAsyncExecutionDetailView`, with the last `lastN` lines of each stream as text. */
  view(lastN = DEFAULT_LAST_N): Record<string, unknown> {
    const done = this.status === 'completed';
    const stdout = lastLines(this.bytesFrom('stdout', 0), lastN);
    const stderr = lastLines(this.bytesFrom('stderr', 0), lastN);
    return {
      devbox_id: this.devboxId,
      execution_id: this.id,
      status: this.status,
      exit_status: done ? this.exitStatus : null,
      shell_name: this.shellName,
      stdout: done ? stdout.text : null,
      stderr: done ? stderr.text : null,
      stdout_truncated: done ? stdout.truncated : null,
      stderr_truncated: done ? stderr.truncated : null,
    };
  }
}
