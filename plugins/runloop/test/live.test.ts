import { it } from 'vitest';
import { testBackend } from '@agentkernel/testkit';
import { openRunloop } from './helpers/open.js';

// Live tests run against the real Runloop only when asked to: a key is set and no RUNLOOP_BASE_URL
// points at a local fake (the offline tests cover the fake).
const apiKey = process.env.RUNLOOP_API_KEY;
const baseUrl = process.env.RUNLOOP_BASE_URL;
const pointsAtFake =
  baseUrl !== undefined && /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(baseUrl);
const reason =
  apiKey === undefined || apiKey === ''
    ? 'RUNLOOP_API_KEY is not set'
    : pointsAtFake
      ? `RUNLOOP_BASE_URL points at a local fake (${baseUrl})`
      : undefined;

if (reason === undefined) {
  testBackend({ name: 'runloop (live)', timeoutMs: 300_000, open: () => openRunloop({}, process.env) });
} else {
  console.warn(
    `\n*** [runloop live] SKIPPED: the live Runloop tests did not run: ${reason}. Set RUNLOOP_API_KEY (and no local RUNLOOP_BASE_URL) to run them. ***\n`,
  );
  it.skip(`live Runloop conformance (skipped: ${reason})`, () => undefined);
}
