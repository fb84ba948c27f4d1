import { it } from 'vitest';
import { testBackend } from '@agentkernel/testkit';
import { openDaytona } from './helpers/open.js';

// Live tests run against the real Daytona only when asked to: a key is set and no DAYTONA_API_URL points
// at a local fake (the offline tests cover the fake).
const apiKey = process.env.DAYTONA_API_KEY;
const apiUrl = process.env.DAYTONA_API_URL;
const pointsAtFake = apiUrl !== undefined && /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(apiUrl);
const reason =
  apiKey === undefined || apiKey === ''
    ? 'DAYTONA_API_KEY is not set'
    : pointsAtFake
      ? `DAYTONA_API_URL points at a local fake (${apiUrl})`
      : undefined;

if (reason === undefined) {
  testBackend({
    name: 'daytona (live)',
    timeoutMs: 180_000,
    open: () => openDaytona({}, process.env),
  });
} else {
  console.warn(
    `\n*** [daytona live] SKIPPED: the live Daytona tests did not run: ${reason}. Set DAYTONA_API_KEY (and no local DAYTONA_API_URL) to run them. ***\n`,
  );
  it.skip(`live Daytona conformance (skipped: ${reason})`, () => undefined);
}
