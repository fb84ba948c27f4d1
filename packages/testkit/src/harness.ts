import { randomBytes } from 'node:crypto';
import { it, type TestContext } from 'vitest';
import {
  AgentkernelError,
  CAPABILITY_DESCRIPTIONS,
  type Backend,
  type CapabilityName,
  type ErrorCode,
  type SandboxHandle,
  type SandboxSpec,
} from '@agentkernel/core';

/** Options of {@link testBackend}. */
export interface TestBackendOptions {
  /** Names the suite in the report, e.g. `local` or `e2b (fake)`. */
  readonly name: string;
  /** Opens a backend; called once for the suite and again to test reconnecting from another backend object. */
  readonly open: () => Promise<Backend>;
  /** Overrides of the specs the suite creates sandboxes with (an image, a workspace directory...). */
  readonly spec?: Partial<SandboxSpec>;
  /** Per-test timeout in milliseconds; 60 000 by default. */
  readonly timeoutMs?: number;
  /** Tests to skip, by id (the part before the colon in each test's title), with the reason, which is printed. */
  readonly skip?: Partial<Record<string, string>>;
  /**
   * How the suite reaches an endpoint URL (the `endpoints` test); the global `fetch` by default. A
   * provider fake passes its router, since offline there is no DNS for provider hostnames. It is handed
   * the URL exactly as the backend's `endpoints()` returned it.
   */
  readonly fetchEndpoint?: (url: string, init?: RequestInit) => Promise<Response>;
}

/** What every suite file gets: the opened backend, a shared sandbox, and a way to register tests. */
export class Harness {
  readonly runId = randomBytes(3).toString('hex');
  private opened: Backend | undefined;
  private sharedSandbox: SandboxHandle | undefined;
  private readonly created: SandboxHandle[] = [];
  private count = 0;

  constructor(readonly options: TestBackendOptions) {}

  get backend(): Backend {
    if (this.opened === undefined) throw new Error('testkit: the backend is not open (did beforeAll fail?)');
    return this.opened;
  }

  /** The sandbox most tests share, created once (without network). */
  get shared(): SandboxHandle {
    if (this.sharedSandbox === undefined)
      throw new Error('testkit: the shared sandbox was not created (did beforeAll fail?)');
    return this.sharedSandbox;
  }

  get workspaceDir(): string {
    return this.options.spec?.workspaceDir ?? '/workspace';
  }

  /** A spec with a fresh valid name, labelled with this run's id so `list` can find it. */
  spec(overrides: Partial<SandboxSpec> = {}): SandboxSpec {
    this.count += 1;
    return {
      network: false,
      ports: [],
      workspaceDir: this.workspaceDir,
      ...this.options.spec,
      name: `tk-${this.runId}-${this.count}`,
      env: { ...this.options.spec?.env, AK_TESTKIT: 'spec' },
      labels: { ...this.options.spec?.labels, 'agentkernel-testkit': this.runId },
      ...overrides,
    };
  }

  /** Creates a sandbox that `afterAll` destroys. */
  async create(overrides: Partial<SandboxSpec> = {}): Promise<SandboxHandle> {
    const handle = await this.backend.create(this.spec(overrides));
    this.created.push(handle);
    return handle;
  }

  async setUp(): Promise<void> {
    this.opened = await this.options.open();
    this.sharedSandbox = await this.create();
  }

  async tearDown(): Promise<void> {
    const failures: string[] = [];
    for (const handle of this.created) {
      await handle.destroy().catch((error: unknown) => failures.push(`${handle.ref.id}: ${String(error)}`));
    }
    await this.opened?.close?.();
    if (failures.length > 0)
      throw new Error(`testkit: could not destroy sandboxes it created:\n${failures.join('\n')}`);
  }

  /**
   * Registers one test. A test listed in `options.skip`, or needing a capability the backend does not
   * declare, is skipped and the reason printed.
   */
  test(
    id: string,
    title: string,
    body: (context: TestContext) => Promise<void>,
    needs?: CapabilityName,
  ): void {
    const reason = this.options.skip?.[id];
    const fullTitle = `${id}: ${title}`;
    if (reason !== undefined) {
      console.info(`[testkit] skipped ${id} for backend ${this.options.name}: ${reason}`);
      it.skip(fullTitle);
      return;
    }
    it(
      fullTitle,
      async (context) => {
        if (needs !== undefined && !this.backend.plugin.capabilities[needs]) {
          const message = `backend ${this.backend.plugin.name} does not declare ${needs} (${CAPABILITY_DESCRIPTIONS[needs]})`;
          console.info(`[testkit] skipped ${id}: ${message}`);
          context.skip(message);
        }
        await body(context);
      },
      this.options.timeoutMs ?? 60_000,
    );
  }
}

/** The rejection of `promise`, failing when it resolves instead. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to reject, but it resolved');
}

/** Whether `error` is an agentkernel error with this code (works across copies of core). */
export function hasCode(error: unknown, code: ErrorCode): boolean {
  return AgentkernelError.isInstance(error) && error.code === code;
}

export const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
