import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CommandExitError,
  FileNotFoundError,
  FileType,
  FilesystemEventType,
  Sandbox,
  TimeoutError,
  type FilesystemEvent,
} from 'e2b';
import { startFakeE2B, type FakeE2B } from '../src/testing/index.js';

let fake: FakeE2B;
let sandbox: Sandbox;
beforeAll(async () => {
  fake = await startFakeE2B();
  sandbox = await Sandbox.create({
    apiKey: fake.apiKey,
    apiUrl: fake.url,
    sandboxUrl: fake.url,
    envs: { FROM_CREATE: 'yes' },
  });
});
afterAll(async () => {
  await fake.close();
});

describe('the fake envd process service, through the real SDK', () => {
  it('runs commands for real with env, cwd and exit codes', async () => {
    const result = await sandbox.commands.run('echo "$FROM_CREATE $EXTRA $HOME $USER"; pwd', {
      envs: { EXTRA: 'x' },
      cwd: '/workspace',
    });
    expect(result.stdout).toBe('yes x /home/user user\n/workspace\n');
    const error: unknown = await sandbox.commands
      .run('echo out; echo err >&2; exit 3')
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CommandExitError);
    expect(error).toMatchObject({ exitCode: 3, stdout: 'out\n', stderr: 'err\n' });
    await expect(sandbox.commands.run('true', { cwd: '/nope' })).rejects.toThrow(
      /cwd '\/nope' does not exist/,
    );
  });

  it('streams stdin to a background command, lists it, reconnects to it and kills it', async () => {
    const handle = await sandbox.commands.run('cat', { background: true, stdin: true });
    const listed = await sandbox.commands.list();
    expect(listed.some((p) => p.pid === handle.pid && p.args.includes('cat'))).toBe(true);
    await sandbox.commands.sendStdin(handle.pid, 'line one\n');
    await sandbox.commands.closeStdin(handle.pid);
    expect((await handle.wait()).stdout).toBe('line one\n');

    const sleeper = await sandbox.commands.run('echo started; sleep 30', { background: true });
    const attached: string[] = [];
    const again = await sandbox.commands.connect(sleeper.pid, {
      onStdout: (data) => void attached.push(data),
    });
    expect(await sandbox.commands.kill(sleeper.pid)).toBe(true);
    const ended: unknown = await again.wait().catch((caught: unknown) => caught);
    // envd reports a command ended by a signal with exit code -1.
    expect(ended).toMatchObject({ exitCode: -1, error: 'signal: killed' });
    expect(await sandbox.commands.kill(sleeper.pid)).toBe(false);
  });

  it('kills a command when its request deadline passes, as envd does', async () => {
    const started = Date.now();
    const error: unknown = await sandbox.commands
      .run('sleep 20', { timeoutMs: 500 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(Date.now() - started).toBeLessThan(5000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await sandbox.commands.list()).some((p) => p.args.join(' ').includes('sleep 20'))).toBe(false);
  });
});

describe('the fake envd filesystem, through the real SDK', () => {
  it('writes, stats, lists, renames and removes', async () => {
    await sandbox.files.write('/workspace/fs/a.txt', 'alpha');
    await sandbox.files.write([
      { path: '/workspace/fs/b.bin', data: new Uint8Array([0, 1, 2]).buffer },
      { path: '/workspace/fs/deep/c.txt', data: 'gamma' },
    ]);
    expect(await sandbox.files.makeDir('/workspace/fs/empty')).toBe(true);
    expect(await sandbox.files.makeDir('/workspace/fs/empty')).toBe(false);
    const info = await sandbox.files.getInfo('/workspace/fs/a.txt');
    expect(info).toMatchObject({ name: 'a.txt', type: FileType.FILE, size: 5, path: '/workspace/fs/a.txt' });
    const names = (await sandbox.files.list('/workspace/fs', { depth: 2 })).map((e) => e.path).sort();
    expect(names).toEqual([
      '/workspace/fs/a.txt',
      '/workspace/fs/b.bin',
      '/workspace/fs/deep',
      '/workspace/fs/deep/c.txt',
      '/workspace/fs/empty',
    ]);
    await sandbox.files.rename('/workspace/fs/a.txt', '/workspace/fs/moved/a.txt');
    expect(await sandbox.files.exists('/workspace/fs/a.txt')).toBe(false);
    expect(await sandbox.files.read('/workspace/fs/moved/a.txt')).toBe('alpha');
    await sandbox.files.remove('/workspace/fs');
    await expect(sandbox.files.read('/workspace/fs/b.bin')).rejects.toBeInstanceOf(FileNotFoundError);
    // Relative paths are under the user's home, as on E2B.
    await sandbox.files.write('notes.txt', 'home');
    expect((await sandbox.commands.run('cat /home/user/notes.txt')).stdout).toBe('home');
  });

  it('keeps symlinks inside the sandbox and refuses read-only system folders', async () => {
    await sandbox.commands.run('ln -sfn /tmp /workspace/to-tmp');
    await sandbox.files.write('/workspace/to-tmp/through-link.txt', 'linked');
    expect((await sandbox.commands.run('cat /tmp/through-link.txt')).stdout).toBe('linked');
    await expect(sandbox.files.write('/usr/evil.txt', 'x')).rejects.toThrow(/not writable/);
  });

  it('serves signed upload and download URLs and rejects a bad signature', async () => {
    const upload = await sandbox.uploadUrl('/workspace/signed.txt', { useSignatureExpiration: 60 });
    const form = new FormData();
    form.append('file', new Blob(['signed body']), '/workspace/signed.txt');
    const headers = { 'e2b-sandbox-id': sandbox.sandboxId };
    expect((await fetch(upload, { method: 'POST', body: form, headers })).status).toBe(200);
    const download = await sandbox.downloadUrl('/workspace/signed.txt');
    expect(await (await fetch(download, { headers })).text()).toBe('signed body');
    const forged = download.replace(/signature=[^&]+/, 'signature=v1_forged');
    expect((await fetch(forged, { headers })).status).toBe(401);
  });

  it('watches a directory', async () => {
    await sandbox.files.makeDir('/workspace/watched');
    const events: FilesystemEvent[] = [];
    const watcher = await sandbox.files.watchDir('/workspace/watched', (event) => void events.push(event));
    await sandbox.files.write('/workspace/watched/new.txt', 'x');
    for (let i = 0; i < 50 && !events.some((e) => e.name === 'new.txt'); i += 1)
      await new Promise((r) => setTimeout(r, 50));
    await watcher.stop();
    expect(events.some((e) => e.name === 'new.txt' && e.type === FilesystemEventType.CREATE)).toBe(true);
  });
});
