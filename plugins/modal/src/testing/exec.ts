import type { Readable } from 'node:stream';
import type { IsolatedProcess } from '@agentkernel/core/isolation';

/**
 * Everything one output stream of a command wrote, kept so that a reader can start (or resume after a
 * dropped stream) at any byte offset, as the router's `TaskExecStdioRead {offset}` does.
 */
export class OutputLog {
  private readonly chunks: Buffer[] = [];
  private starts: number[] = [];
  private total = 0;
  private ended = false;
  private readonly waiters = new Set<() => void>();

  append(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.starts.push(this.total);
    this.chunks.push(chunk);
    this.total += chunk.length;
    this.wake();
  }

  end(): void {
    this.ended = true;
    this.wake();
  }

  private wake(): void {
    for (const waiter of this.waiters) waiter();
    this.waiters.clear();
  }

  /** Yields the bytes from `offset` on, as they come, until the stream ends or `signal` aborts. */
  async *readFrom(offset: number, signal: AbortSignal): AsyncGenerator<Buffer> {
    let position = offset;
    for (;;) {
      if (signal.aborted) return;
      if (position < this.total) {
        let index = this.starts.findLastIndex((start) => start <= position);
        for (; index < this.chunks.length; index += 1) {
          const chunk = this.chunks[index]!;
          const start = this.starts[index]!;
          const piece = chunk.subarray(position - start);
          position = start + chunk.length;
          if (piece.length > 0) yield piece;
        }
        continue;
      }
      if (this.ended) return;
      await new Promise<void>((resolve) => {
        this.waiters.add(resolve);
        signal.addEventListener('abort', () => resolve(), { once: true });
      });
    }
  }
}

/** How a command ended, as `TaskExecWait` reports it: an exit code, or the signal that killed it. */
export type ExecExit = { readonly code: number } | { readonly signal: number };

const SIGKILL = 9;

/** One `TaskExecStart`: the process, its output so far, and where its standard input stands. */
export class FakeExec {
  readonly stdout = new OutputLog();
  readonly stderr = new OutputLog();
  private written = 0;
  private closed = false;
  private ending: ExecExit | undefined;
  readonly done: Promise<ExecExit>;

  constructor(
    readonly execId: string,
    private readonly proc: IsolatedProcess,
    keep: { readonly stdout: boolean; readonly stderr: boolean },
  ) {
    proc.stdin?.on('error', () => undefined);
    const drained = [
      this.drain(proc.stdout, this.stdout, keep.stdout),
      this.drain(proc.stderr, this.stderr, keep.stderr),
    ];
    this.done = Promise.all([proc.exited, ...drained]).then(([exit]) => {
      // A kill (a timeout included) is reported as the signal, as the router does for SIGKILL.
      const ending: ExecExit =
        exit.timedOut || exit.exitCode === 128 + SIGKILL ? { signal: SIGKILL } : { code: exit.exitCode };
      this.ending = ending;
      this.closed = true;
      return ending;
    });
  }

  private async drain(stream: Readable | null, log: OutputLog, keep: boolean): Promise<void> {
    if (stream !== null) for await (const chunk of stream) if (keep) log.append(chunk as Buffer);
    log.end();
  }

  get exit(): ExecExit | undefined {
    return this.ending;
  }

  /** Bytes of standard input accepted so far, and whether it is closed (`TaskExecStdinStatus`). */
  get stdinStatus(): { numBytesWritten: number; closed: boolean } {
    return { numBytesWritten: this.written, closed: this.closed };
  }

  /**
   * Writes stdin at `offset`: bytes already accepted (a retried write) are skipped, a gap is refused,
   * as the router keys stdin writes by offset so that retries never duplicate input.
   */
  async writeStdin(offset: number, data: Uint8Array, eof: boolean): Promise<'ok' | 'gap' | 'closed'> {
    if (offset > this.written) return 'gap';
    const fresh = data.subarray(Math.min(data.length, this.written - offset));
    if (this.closed) return fresh.length === 0 ? 'ok' : 'closed';
    const stdin = this.proc.stdin;
    if (fresh.length > 0 && stdin !== null) {
      this.written += fresh.length;
      await new Promise<void>((resolve) => stdin.write(fresh, () => resolve()));
    }
    if (eof) this.closeStdin();
    return 'ok';
  }

  closeStdin(): void {
    this.closed = true;
    this.proc.stdin?.end();
  }

  kill(): void {
    this.proc.kill();
  }
}
