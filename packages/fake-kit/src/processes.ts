import type { Readable } from 'node:stream';
import type { IsolatedProcess } from '@agentkernel/core/isolation';

/** How a process ended: its exit code, or a signal (then `exitCode` is 128 + the signal, as a shell says). */
export interface ProcessEnd {
  readonly exitCode: number;
  /** Ended by a signal (a kill, a timeout) rather than by exiting. */
  readonly signalled: boolean;
}

/** One output or end event of a process, as subscribers receive them. */
export type ProcessOutput =
  | { readonly kind: 'stdout' | 'stderr'; readonly data: Uint8Array }
  | { readonly kind: 'end'; readonly end: ProcessEnd };

type Listener = (event: ProcessOutput) => void;

/**
 * A process running in a fake sandbox, with what the provider's API reports about it (`config`: the
 * command as it was asked for; `tag`: a name it can be found by).
 */
export class FakeProcess<Config = unknown> {
  private readonly listeners = new Set<Listener>();
  private ending: ProcessEnd | undefined;
  private signalled = false;

  constructor(
    readonly pid: number,
    readonly config: Config,
    readonly tag: string | undefined,
    private readonly proc: IsolatedProcess,
    onGone: () => void,
  ) {
    const streams = [
      ['stdout', proc.stdout],
      ['stderr', proc.stderr],
    ] as const;
    const drained = streams.map(([kind, stream]) => this.forward(kind, stream));
    void Promise.all([proc.exited, ...drained]).then(([exit]) => {
      const signalled = this.signalled || exit.timedOut;
      const end: ProcessEnd = { exitCode: exit.exitCode, signalled };
      this.ending = end;
      this.emit({ kind: 'end', end });
      this.listeners.clear();
      onGone();
    });
  }

  private async forward(kind: 'stdout' | 'stderr', stream: Readable | null): Promise<void> {
    if (stream === null) return;
    for await (const chunk of stream) this.emit({ kind, data: chunk as Buffer });
  }

  private emit(event: ProcessOutput): void {
    for (const listener of this.listeners) listener(event);
  }

  get ended(): ProcessEnd | undefined {
    return this.ending;
  }

  /** Receives the process's output from now on, then its end. Returns the unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Whether standard input is still open for {@link write}. */
  get stdinOpen(): boolean {
    const stdin = this.proc.stdin;
    return stdin !== null && !stdin.writableEnded && !stdin.destroyed;
  }

  async write(data: Uint8Array): Promise<void> {
    const stdin = this.proc.stdin;
    if (stdin === null) return;
    await new Promise<void>((resolve, reject) =>
      stdin.write(data, (error) => (error ? reject(error) : resolve())),
    );
  }

  closeStdin(): void {
    this.proc.stdin?.end();
  }

  /** SIGKILLs the process and everything it started. */
  kill(): void {
    this.signalled = true;
    this.proc.kill();
  }

  /**
   * SIGKILLs the process alone, as a signal sent to its pid does: what it started lives on (the
   * isolation launcher it runs under takes the command down with it).
   */
  killProcess(): void {
    this.signalled = true;
    try {
      process.kill(this.proc.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }

  /** Resolves when the process has ended and its end was delivered. */
  async done(): Promise<void> {
    await this.proc.exited;
  }
}

/** The processes of one sandbox, by pid; a process leaves the table when it ends. */
export class ProcessTable<Config = unknown> {
  private readonly processes = new Map<number, FakeProcess<Config>>();

  add(proc: IsolatedProcess, config: Config, tag?: string): FakeProcess<Config> {
    const entry = new FakeProcess(proc.pid, config, tag, proc, () => this.processes.delete(proc.pid));
    proc.stdin?.on('error', () => undefined);
    this.processes.set(proc.pid, entry);
    return entry;
  }

  find(selector: { pid?: number; tag?: string }): FakeProcess<Config> | undefined {
    if (selector.pid !== undefined) return this.processes.get(selector.pid);
    return [...this.processes.values()].find(
      (entry) => entry.tag !== undefined && entry.tag === selector.tag,
    );
  }

  list(): FakeProcess<Config>[] {
    return [...this.processes.values()];
  }

  /** Kills every process and waits until they are gone. */
  async killAll(): Promise<void> {
    const all = this.list();
    for (const entry of all) entry.kill();
    await Promise.all(all.map((entry) => entry.done()));
  }
}
