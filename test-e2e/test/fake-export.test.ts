// The README's way to point agentkernel at a fake: eval the `export` lines `serve.js --export` prints.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers.js';

const run = promisify(execFile);

describe('serve.js --export', () => {
  it('prints export lines that eval in a shell, and leaves the fake running until killed', async () => {
    const serve = join(REPO_ROOT, 'plugins/e2b/dist/testing/serve.js');
    // eval "$(...)" returns only once every writer of its pipe is gone: the fake must detach.
    const script = `out="$(node '${serve}' --export)" && eval "$out" && printf '%s\\n' "$E2B_API_URL" "$E2B_API_KEY" "$out"`;
    const { stdout } = await run('sh', ['-c', script], { timeout: 60_000 });
    const [url, key] = stdout.split('\n');
    const pid = Number(/stop it with: kill (\d+)$/m.exec(stdout)?.[1]);
    expect(pid).toBeGreaterThan(0);
    try {
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      // The fake still answers after the shell that started it is gone.
      const response = await fetch(`${url}/v2/sandboxes`, { headers: { 'X-API-KEY': key ?? '' } });
      expect(response.status).toBe(200);
    } finally {
      process.kill(pid, 'SIGTERM');
    }
  });
});
