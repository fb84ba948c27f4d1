import { afterAll, beforeAll, describe } from 'vitest';
import { Harness, type TestBackendOptions } from './harness.js';
import { abortTests } from './suites/abort.js';
import { archiveTests } from './suites/archives.js';
import { detachedTests } from './suites/detached.js';
import { execTests } from './suites/exec.js';
import { fileTests } from './suites/files.js';
import { lifecycleTests } from './suites/lifecycle.js';
import { remoteTests } from './suites/remote.js';
import { shapeTests } from './suites/shape.js';

/**
 * Registers the agentkernel backend conformance suite for one backend. Call it at the top level of a
 * vitest file:
 *
 * ```ts
 * import { testBackend } from '@agentkernel/testkit';
 * testBackend({ name: 'acme', open: () => plugin.open(context) });
 * ```
 *
 * Tests of capabilities the backend does not declare are skipped with the reason printed; every
 * sandbox the suite creates is destroyed afterwards.
 */
export function testBackend(options: TestBackendOptions): void {
  const harness = new Harness(options);
  describe(`agentkernel backend conformance: ${options.name}`, () => {
    beforeAll(() => harness.setUp(), Math.max(options.timeoutMs ?? 0, 120_000));
    afterAll(() => harness.tearDown(), Math.max(options.timeoutMs ?? 0, 120_000));
    shapeTests(harness);
    lifecycleTests(harness);
    execTests(harness);
    abortTests(harness);
    fileTests(harness);
    archiveTests(harness);
    remoteTests(harness);
    detachedTests(harness);
  });
}
