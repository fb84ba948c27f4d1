import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandExitError, Sandbox } from 'e2b';
import { startFakeE2B, type FakeE2B } from '../src/testing/index.js';

let fake: FakeE2B;
let sandbox: Sandbox;
beforeAll(async () => {
  fake = await startFakeE2B();
  sandbox = await Sandbox.create({ apiKey: fake.apiKey, apiUrl: fake.url, sandboxUrl: fake.url });
});
afterAll(async () => {
  await fake.close();
});

/** Opens a PTY, collecting what its terminal shows. */
async function openPty(size: { cols: number; rows: number }) {
  let shown = '';
  const handle = await sandbox.pty.create({
    ...size,
    cwd: '/workspace',
    envs: { FROM_PTY: 'yes' },
    onData: (data) => void (shown += Buffer.from(data).toString('utf8')),
    timeoutMs: 0,
  });
  const type = (text: string) => sandbox.pty.sendInput(handle.pid, new TextEncoder().encode(text));
  const exitCode = async (): Promise<number> => {
    try {
      return (await handle.wait()).exitCode;
    } catch (error) {
      if (error instanceof CommandExitError) return error.exitCode;
      throw error;
    }
  };
  return { handle, type, exitCode, shown: () => shown };
}

describe('the fake envd PTYs, through the real SDK', () => {
  it('runs bash on a real terminal of the asked size, typed at, with the exit code it ends with', async () => {
    const pty = await openPty({ cols: 100, rows: 30 });
    await pty.type('tty; stty size; echo "cwd=$(pwd) from=$FROM_PTY term=$TERM"; exit 6\n');
    expect(await pty.exitCode()).toBe(6);
    expect(pty.shown()).toMatch(/\/dev\/pts\/\d+/);
    expect(pty.shown()).toContain('30 100');
    expect(pty.shown()).toContain('cwd=/workspace from=yes term=xterm-256color');
  });

  it('resizes the terminal', async () => {
    const pty = await openPty({ cols: 80, rows: 24 });
    await sandbox.pty.resize(pty.handle.pid, { cols: 132, rows: 43 });
    await pty.type('stty size; exit\n');
    expect(await pty.exitCode()).toBe(0);
    expect(pty.shown(), JSON.stringify(pty.shown())).toContain('43 132');
  });

  it('kills a PTY, and lists it while it runs', async () => {
    const pty = await openPty({ cols: 80, rows: 24 });
    expect((await sandbox.commands.list()).map((p) => p.pid)).toContain(pty.handle.pid);
    expect(await sandbox.pty.kill(pty.handle.pid)).toBe(true);
    expect(await pty.exitCode()).toBe(-1);
  });

  it('refuses PTY input or a resize for a command without a terminal, and a zero size', async () => {
    const command = await sandbox.commands.run('sleep 30', { background: true, stdin: true });
    await expect(sandbox.pty.resize(command.pid, { cols: 90, rows: 20 })).rejects.toThrow(
      /tty not assigned to process/,
    );
    await expect(sandbox.pty.sendInput(command.pid, new Uint8Array([65]))).rejects.toThrow(
      /tty not assigned to process/,
    );
    await command.kill();
    await expect(openPty({ cols: 0, rows: 24 })).rejects.toThrow(/cols and rows/);
  });
});
