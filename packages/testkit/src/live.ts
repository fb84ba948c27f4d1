import { it } from 'vitest';

/** What a provider's live tests need to run. */
export interface LiveGateOptions {
  /** The backend, for the banner: `e2b`. */
  readonly backend: string;
  /** Environment variables that must all be set (the credentials). */
  readonly required: readonly string[];
  /**
   * Environment variables holding provider URLs: when one points at this machine (127.0.0.1,
   * localhost, ::1), the tests would run against a local fake, which the offline tests cover.
   */
  readonly urls?: readonly string[];
  /** `process.env` by default. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

const LOCAL_URL = /^https?:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])[:/]/;

/** Why live tests cannot run (a sentence), or undefined when they can. */
export function liveSkipReason(options: LiveGateOptions): string | undefined {
  const env = options.env ?? process.env;
  const missing = options.required.filter((name) => (env[name] ?? '') === '');
  if (missing.length > 0) return `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set`;
  for (const name of options.urls ?? []) {
    const url = env[name];
    if (url !== undefined && LOCAL_URL.test(url)) return `${name} points at a local fake (${url})`;
  }
  return undefined;
}

/**
 * Registers a provider's live tests only when its credentials are present (and no URL points at a local
 * fake); otherwise says loudly why they were skipped, on stderr and as a skipped test in the report, so
 * a green run never hides that nothing touched the real provider. Call it at the top level of a test file:
 *
 * ```ts
 * whenLive({ backend: 'e2b', required: ['E2B_API_KEY'], urls: ['E2B_API_URL'] }, () =>
 *   testBackend({ name: 'e2b (live)', open: () => openForTest(e2bPlugin, { env: process.env }) }),
 * );
 * ```
 */
export function whenLive(options: LiveGateOptions, register: () => void): void {
  const reason = liveSkipReason(options);
  if (reason === undefined) {
    register();
    return;
  }
  const how = `set ${options.required.join(' and ')}${options.urls?.length ? ` (and no local ${options.urls.join(' or ')})` : ''} to run them`;
  process.stderr.write(
    `\n*** [${options.backend} live] SKIPPED: the live ${options.backend} tests did not run: ${reason}. ${how}. ***\n\n`,
  );
  it.skip(`live ${options.backend} tests (skipped: ${reason})`, () => undefined);
}
