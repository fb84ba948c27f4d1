import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxHandle } from '@agentkernel/core';
import { gone, openLocal, spec, tempDataDir } from './helpers.js';

// Run as root these are the real thing: a command in a local sandbox must not reach the host even
// though the CLI could. Run as another user they still hold, and check nothing weaker.
const { dataDir, cleanup } = tempDataDir();
let sandbox: SandboxHandle;
const marker = `agentkernel-escape-${process.pid}-${Date.now()}`;

beforeAll(async () => {
  const { backend } = await openLocal(dataDir);
  sandbox = await backend.create(spec({ name: 'escape', network: true }));
});
afterAll(async () => {
  await sandbox.destroy();
  await cleanup();
});

const sh = async (script: string) => {
  const result = await sandbox.exec(['sh', '-c', script]);
  return { code: result.exitCode, out: result.stdout.toString(), err: result.stderr.toString() };
};

describe('a command in a local sandbox has no power over the host', () => {
  it('has no capabilities at all', async () => {
    const { out } = await sh('grep -E "^Cap(Inh|Prm|Eff|Amb):" /proc/self/status');
    expect(out.trim().split('\n')).toEqual([
      'CapInh:\t0000000000000000',
      'CapPrm:\t0000000000000000',
      'CapEff:\t0000000000000000',
      'CapAmb:\t0000000000000000',
    ]);
    // A setuid program cannot give them back (no-new-privs).
    expect((await sh('grep "^NoNewPrivs:" /proc/self/status')).out).toBe('NoNewPrivs:\t1\n');
  });

  it.each(['/etc', '/usr', '/', '/proc', '/workspace', '/tmp'])(
    'cannot remount %s, directly or from a new user namespace',
    async (dir) => {
      const direct = await sh(`mount -o remount,bind,rw ${dir} && touch ${dir}/${marker}`);
      expect(direct.code).not.toBe(0);
      const nested = await sh(
        `unshare -rm sh -c 'mount -o remount,bind,rw ${dir} && touch ${dir}/${marker}' || exit 1`,
      );
      expect(nested.code).not.toBe(0);
      expect(existsSync(`${dir}/${marker}`)).toBe(false);
    },
  );

  it('cannot mount anything over a host folder', async () => {
    expect((await sh('mount -t tmpfs none /etc')).code).not.toBe(0);
    expect((await sh('mount --bind /workspace /usr')).code).not.toBe(0);
  });

  it('writes only to /workspace, its home and its own /tmp', async () => {
    // Opened for appending, so a file that does open is not changed (core_pattern, sysrq-trigger).
    const targets = [
      `/${marker}`,
      `/etc/${marker}`,
      `/usr/${marker}`,
      `/usr/local/${marker}`,
      `/var/${marker}`,
      `/proc/sys/kernel/core_pattern`,
      `/proc/sys/kernel/hostname`,
      `/proc/sysrq-trigger`,
      `/proc/1/oom_score_adj`,
    ];
    const script = targets.map((path) => `(: >>"${path}") 2>/dev/null && echo "wrote ${path}"`);
    const { out } = await sh(`${script.join('\n')}\n: >/tmp/t && : >/workspace/w && : >"$HOME/h" && echo ok`);
    expect(out).toBe('ok\n');
    for (const path of targets.slice(0, 5)) expect(existsSync(path)).toBe(false);
    expect(readFileSync('/proc/sys/kernel/core_pattern', 'utf8')).not.toContain(marker);
  });

  it('keeps the loader variables of its env away from the host-side launchers', async () => {
    // bwrap, nsenter and setpriv run as root on the host: an LD_PRELOAD reaching them would run a
    // library of the sandbox's choosing there. Only the command itself may see it.
    const result = await sandbox.exec(['sh', '-c', 'echo "$LD_PRELOAD|$TMPDIR"'], {
      env: { LD_PRELOAD: '/nonexistent-agentkernel.so', TMPDIR: '/tmp/x y' },
    });
    expect(result.stdout.toString()).toBe('/nonexistent-agentkernel.so|/tmp/x y\n');
    const complaints = result.stderr.toString().match(/nonexistent-agentkernel\.so/g) ?? [];
    expect(complaints).toHaveLength(1);
  });

  it('cannot signal or even see a host process', async () => {
    const host = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      const pid = host.pid!;
      const { out } = await sh(
        `kill -9 ${pid} 2>/dev/null && echo "killed ${pid}"; ls /proc | grep -x ${pid}; echo done`,
      );
      expect(out).toBe('done\n');
      // Everything it may signal is its own: this ends the sandbox's environment, nothing else.
      const { pid: init } = JSON.parse(
        readFileSync(join(sandbox.ref.metadata.dir!, 'environment.json'), 'utf8'),
      ) as { pid: number };
      await sh('kill -9 -1');
      for (let tries = 0; tries < 200 && !gone(init); tries += 1)
        await new Promise((resolve) => setTimeout(resolve, 10));
      expect(host.exitCode).toBe(null);
      expect(process.kill(pid, 0)).toBe(true);
      // The next command gets a fresh environment.
      expect((await sh('echo again')).out).toBe('again\n');
    } finally {
      host.kill('SIGKILL');
    }
  });
});
