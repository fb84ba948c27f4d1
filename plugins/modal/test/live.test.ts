import { it } from 'vitest';
import { testBackend } from '@agentkernel/testkit';
import { openModal } from './helpers/open.js';

// Live tests run against the real Modal only when asked to: a token pair is set and no MODAL_SERVER_URL
// points at a local fake (the offline tests cover the fake).
const tokenId = process.env.MODAL_TOKEN_ID;
const tokenSecret = process.env.MODAL_TOKEN_SECRET;
const serverUrl = process.env.MODAL_SERVER_URL;
const pointsAtFake =
  serverUrl !== undefined && /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(serverUrl);
const reason =
  tokenId === undefined || tokenId === '' || tokenSecret === undefined || tokenSecret === ''
    ? 'MODAL_TOKEN_ID and MODAL_TOKEN_SECRET are not both set'
    : pointsAtFake
      ? `MODAL_SERVER_URL points at a local fake (${serverUrl})`
      : undefined;

if (reason === undefined) {
  testBackend({
    name: 'modal (live)',
    timeoutMs: 300_000,
    open: () => openModal({}, process.env),
  });
} else {
  console.warn(
    `\n*** [modal live] SKIPPED: the live Modal tests did not run: ${reason}. Set MODAL_TOKEN_ID and MODAL_TOKEN_SECRET (and no local MODAL_SERVER_URL) to run them. ***\n`,
  );
  it.skip(`live Modal conformance (skipped: ${reason})`, () => undefined);
}
