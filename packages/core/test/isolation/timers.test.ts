import { afterAll, beforeAll, expect, it } from 'vitest';
import { runIsolated } from '../../src/isolation/index.js';
import { tempRoot } from './helpers.js';

// In a file of its own: timers left by other tests would blur the count.
let root: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir: root, cleanup } = await tempRoot()));
afterAll(() => cleanup());

it('leaves no timer behind that would keep a finished process alive', async () => {
  const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
  const before = timers();
  for (let i = 0; i < 6; i += 1)
    await runIsolated({ root, network: false, argv: ['true'], timeoutMs: 60_000 });
  expect(timers()).toBeLessThan(before + 3);
});
