import { describe, expect, it, vi } from 'vitest';
import { AgentkernelError, type Backend, type SandboxSpec } from '@agentkernel/core';
import { SETTLE } from './fixtures.js';

/** One injected fault, as the offline fakes (`@agentkernel/fake-kit`) take it. */
export interface InjectedFault {
  readonly kind: 'latency' | 'status' | 'drop' | 'drop-response';
  /** `"<METHOD> <path>"`; a string matches as a substring. */
  readonly match: string | RegExp;
  readonly times?: number;
  readonly status?: number;
  readonly delayMs?: number;
}

/** What {@link testProviderFaults} needs of a provider fake. */
export interface FaultableFake {
  injectFault(fault: InjectedFault): void;
  clearFaults(): void;
  /** Every request the fake received, oldest first. */
  requests(): readonly { readonly method: string; readonly path: string }[];
}

/** Options of {@link testProviderFaults}. */
export interface ProviderFaultsOptions {
  /** Names the suite: `e2b (offline fake)`. */
  readonly name: string;
  /** The fake, once started. */
  readonly fake: () => FaultableFake;
  /** The backend, opened against the fake with `max_retries = 3`. */
  readonly backend: () => Backend;
  /** Specs with fresh names (testkit's `sandboxSpecs`). */
  readonly spec: (extra?: Partial<SandboxSpec>) => SandboxSpec;
  /** The one request a handle's `status()` makes, as `[method, path]`: `['GET', '/sandboxes/<id>']`. */
  readonly statusRequest: (id: string) => readonly [string, string];
  /** Matches the provider's create request: `POST /v2/sandboxes`. */
  readonly createRequest: string | RegExp;
  /** The sandboxes the fake holds, with their labels (its provider's metadata). */
  readonly sandboxes: () => readonly {
    readonly id: string;
    readonly labels: Readonly<Record<string, string>>;
  }[];
  /** The provider ids of the sandboxes the fake still runs. */
  readonly liveSandboxes: () => readonly string[];
  /**
   * How many sandboxes the fake has made, destroyed ones included, where it keeps them: then the abort
   * test also sees that the late sandbox was made before it was removed.
   */
  readonly everMade?: () => number;
  /** The error code a call gets once its retries are spent: `E2B_UNAVAILABLE`. */
  readonly unavailableCode: string;
}

/**
 * The transient-fault rules of DESIGN.md section 10 that every remote backend shares, against its
 * offline fake: idempotent calls are retried through 429, 500 and dropped connections, exactly
 * `max_retries` times and then with a typed error; a create whose answer was lost adopts the sandbox
 * it made (creation token) rather than making a second one; a refused create is retried; and what an
 * aborted create made at the provider is removed again.
 */
export function testProviderFaults(options: ProviderFaultsOptions): void {
  const count = (method: string, path: string): number =>
    options
      .fake()
      .requests()
      .filter((request) => request.method === method && request.path === path).length;

  describe(`${options.name}: retries`, () => {
    it('retries 429, 500 and a dropped connection on an idempotent call, then succeeds', async () => {
      const handle = await options.backend().create(options.spec());
      const [method, path] = options.statusRequest(handle.ref.id);
      const before = count(method, path);
      for (const fault of [
        { kind: 'status', status: 429 },
        { kind: 'status', status: 500 },
        { kind: 'drop' },
      ] as const)
        options.fake().injectFault({ ...fault, match: `${method} ${path}` });
      expect(await handle.status()).toBe('running');
      expect(count(method, path) - before).toBe(4);
      await handle.destroy();
    });

    it('gives up after max_retries (3) with a typed error naming what it was doing', async () => {
      const handle = await options.backend().create(options.spec());
      const [method, path] = options.statusRequest(handle.ref.id);
      const before = count(method, path);
      options.fake().injectFault({ kind: 'status', status: 500, match: `${method} ${path}`, times: 50 });
      const error: unknown = await handle.status().catch((caught: unknown) => caught);
      options.fake().clearFaults();
      expect(count(method, path) - before).toBe(4);
      expect(AgentkernelError.isInstance(error)).toBe(true);
      const typed = error as AgentkernelError;
      expect(typed.code).toBe(options.unavailableCode);
      expect(typed.exitCode).toBe(3);
      expect(typed.message).toMatch(/status in \S+ \S+ failed after retries: .*injected server error/);
      await handle.destroy();
    });
  });

  describe(`${options.name}: creation token`, () => {
    it('adopts the sandbox a lost create answer made instead of making a second one', async () => {
      const before = new Set(options.sandboxes().map((sandbox) => sandbox.id));
      options.fake().injectFault({ kind: 'drop-response', match: options.createRequest });
      const handle = await options.backend().create(options.spec({ labels: { leak: 'guard' } }));
      const made = options.sandboxes().filter((sandbox) => !before.has(sandbox.id));
      expect(made.map((sandbox) => sandbox.id)).toEqual([handle.ref.id]);
      expect(made[0]?.labels.leak).toBe('guard');
      expect((await handle.exec(['true'])).exitCode).toBe(0);
      await handle.destroy();
    });

    it('retries a refused create (503) and still makes exactly one sandbox', async () => {
      const before = options.sandboxes().length;
      options.fake().injectFault({ kind: 'status', status: 503, match: options.createRequest, times: 2 });
      const handle = await options.backend().create(options.spec());
      expect(options.sandboxes().length - before).toBe(1);
      await handle.destroy();
    });

    it('removes what an aborted create made at the provider', async () => {
      const running = [...options.liveSandboxes()].sort();
      const made = options.everMade?.();
      const controller = new AbortController();
      options.fake().injectFault({ kind: 'latency', delayMs: 300, match: options.createRequest });
      options.fake().injectFault({ kind: 'drop-response', match: options.createRequest });
      setTimeout(() => controller.abort(new Error('user gave up')), 100);
      const error: unknown = await options
        .backend()
        .create(options.spec({ signal: controller.signal }))
        .catch((caught: unknown) => caught);
      expect(String(error)).toContain('user gave up');
      // The fake answers late, so the sandbox is made after the abort: it must then be removed again.
      await new Promise((resolve) => setTimeout(resolve, 500));
      await vi.waitFor(() => {
        if (made !== undefined) expect(options.everMade?.()).toBe(made + 1);
        expect([...options.liveSandboxes()].sort()).toEqual(running);
      }, SETTLE);
    });
  });
}
