import { it } from 'vitest';
import { testBackend } from '@agentkernel/testkit';
import { openE2B } from './helpers/open.js';

// Live tests run against the real E2B only when asked to: a key is set and no E2B_API_URL points at a
// local fake (the offline tests cover the fake).
const apiKey = process.env.E2B_API_KEY;
const apiUrl = process.env.E2B_API_URL;
const pointsAtFake = apiUrl !== undefined && /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(apiUrl);
const reason =
  apiKey === undefined || apiKey === ''
    ? 'E2B_API_KEY is not set'
    : pointsAtFake
      ? `E2B_API_URL points at a local fake (${apiUrl})`
      : undefined;

if (reason === undefined) {
  testBackend({
    name: 'e2b (live)',
    timeoutMs: 180_000,
    open: () => openE2B({}, process.env),
  });
} else {
  console.warn(
    `\n*** [e2b live] SKIPPED: the live E2B tests did not run: ${reason}. Set E2B_API_KEY (and no local E2B_API_URL) to run them. ***\n`,
  );
  it.skip(`live E2B conformance (skipped: ${reason})`, () => undefined);
}
