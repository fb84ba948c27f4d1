// The acceptance of issue 16 for `local`, through the built CLI: a running sandbox is a live environment.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentkernel, json, tempDir } from './helpers.js';

interface Info {
  status: string;
  endpoints: { port: number; url: string }[];
  notApplied: string[];
  metadata: { dir: string };
}

const liveProcesses = (text: string): string[] =>
  execFileSync('ps', ['-eo', 'stat=,args='], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(text) && !line.startsWith('Z') && !line.includes('ps -eo'));

async function answer(url: string): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      return await (await fetch(url)).text();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

describe('a local sandbox lives between commands', () => {
  let home: Awaited<ReturnType<typeof tempDir>>;
  const run = (...args: string[]) => agentkernel(args, { home: home.path });
  const info = async (name: string) => json<Info>(await run('sandbox', 'info', name, '--json'));

  beforeAll(async () => {
    home = await tempDir('live');
  });
  afterAll(async () => {
    for (const name of ['web1', 'web2']) await run('sandbox', 'remove', name, '--force');
    await home.cleanup();
  });

  it('serves a background server started by one exec, at a distinct endpoint per sandbox', async () => {
    const urls: string[] = [];
    for (const name of ['web1', 'web2']) {
      const created = await run(
        'sandbox',
        'create',
        name,
        '--network',
        '--port',
        '3000',
        '--image',
        'node:22',
      );
      expect(created.code, created.stderr).toBe(0);
      expect(created.stderr).toContain('image "node:22" is not applied');
      const served = await run(
        'exec',
        name,
        '--no-sync',
        '--',
        'sh',
        '-c',
        `mkdir -p /tmp/site && echo ${name} > /tmp/site/index.html && cd /tmp/site && nohup python3 -m http.server 3000 >/dev/null 2>&1 &`,
      );
      expect(served.code, served.stderr).toBe(0);
      const view = await info(name);
      expect(view.notApplied).toEqual(['image']);
      expect(view.endpoints).toHaveLength(1);
      urls.push(view.endpoints[0]!.url);
    }
    expect(urls[0]).not.toBe(urls[1]);
    expect(await answer(urls[0]!)).toBe('web1\n');
    expect(await answer(urls[1]!)).toBe('web2\n');
    const human = await run('sandbox', 'info', 'web1');
    expect(human.stdout).toMatch(/image:\s+node:22 \(not applied by local\)/);
    expect(human.stdout).toContain(`port 3000`);
  });

  it('keeps /tmp from one exec to the next', async () => {
    expect((await run('exec', 'web1', '--no-sync', '--', 'sh', '-c', 'echo note > /tmp/note')).code).toBe(0);
    expect((await run('exec', 'web1', '--no-sync', '--', 'cat', '/tmp/note')).stdout).toBe('note\n');
  });

  it('stop leaves no process of the sandbox; start brings up a fresh environment', async () => {
    const { metadata, endpoints } = await info('web1');
    expect(liveProcesses(metadata.dir).length).toBeGreaterThan(0);
    expect((await run('sandbox', 'stop', 'web1')).code).toBe(0);
    expect(liveProcesses(metadata.dir)).toEqual([]);
    await expect(fetch(endpoints[0]!.url)).rejects.toThrow();
    expect((await run('sandbox', 'start', 'web1')).code).toBe(0);
    const after = await run('exec', 'web1', '--no-sync', '--', 'sh', '-c', 'ls /tmp; echo fresh');
    expect(after.stdout).toBe('fresh\n');
  });
});
