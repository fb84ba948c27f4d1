import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatConfigIssue, inspectConfig, loadConfig, MAX_CONFIG_BYTES } from '../../src/index.js';

// Each of these once hung a command, ate memory or was silently read as "no config" (issue 9 item 9).
let project: string;
let file: string;

beforeEach(async () => {
  project = await realpath(await mkdtemp(join(tmpdir(), 'ak-hostile-config-')));
  await writeFile(join(project, 'package.json'), '{}');
  file = join(project, 'agentkernel.toml');
});

afterEach(async () => {
  await rm(project, { recursive: true, force: true });
});

async function errorsFor(cwd = project): Promise<string[]> {
  const inspection = await inspectConfig({ cwd });
  return inspection.errors.map(formatConfigIssue);
}

describe('an agentkernel.toml that is not a plain UTF-8 file', () => {
  it('refuses a FIFO without opening it for a blocking read', async () => {
    execFileSync('mkfifo', [file]);
    expect(await errorsFor()).toEqual([
      `${file}: is a FIFO (named pipe), not a regular file: cannot be a config file`,
    ]);
  });

  it('refuses a symbolic link to a FIFO, naming the link', async () => {
    const fifo = join(project, 'pipe');
    execFileSync('mkfifo', [fifo]);
    await symlink(fifo, file);
    expect(await errorsFor()).toEqual([
      `${file}: is a FIFO (named pipe) (through the symbolic link to ${fifo}), not a regular file: cannot be a config file`,
    ]);
  });

  it('refuses a link to /dev/zero instead of reading it forever', async () => {
    await symlink('/dev/zero', file);
    expect(await errorsFor()).toEqual([
      `${file}: is a character device (through the symbolic link to /dev/zero), not a regular file: cannot be a config file`,
    ]);
  });

  it('reports a dangling symbolic link instead of treating it as no config', async () => {
    await symlink(join(project, 'gone.toml'), file);
    expect(await errorsFor()).toEqual([
      `${file}: is a symbolic link to ${join(project, 'gone.toml')}, which does not exist`,
    ]);
  });

  it('reports a directory of that name instead of treating it as no config, even from a subfolder', async () => {
    await mkdir(file);
    await mkdir(join(project, 'src'));
    expect(await errorsFor(join(project, 'src'))).toEqual([
      `${file}: is a directory, not a regular file: cannot be a config file`,
    ]);
  });

  it('refuses a file larger than the limit without reading it', async () => {
    await writeFile(file, Buffer.alloc(MAX_CONFIG_BYTES + 1, 0x23));
    expect(await errorsFor()).toEqual([
      `${file}: is ${MAX_CONFIG_BYTES + 1} bytes; a config file is at most ${MAX_CONFIG_BYTES} bytes`,
    ]);
  });

  it('names the first line that is not UTF-8 rather than replacing the bytes', async () => {
    await writeFile(
      file,
      Buffer.concat([
        Buffer.from('[sandbox]\nname = "ok"\nruntime = "'),
        Buffer.from([0xff, 0xfe]),
        Buffer.from('"\n'),
      ]),
    );
    expect(await errorsFor()).toEqual([
      `${file}:3: is not valid UTF-8 on this line (TOML files must be UTF-8)`,
    ]);
  });

  it('makes loadConfig throw the same error, so every command stops with it', async () => {
    await symlink('/dev/zero', file);
    await expect(loadConfig({ cwd: project })).rejects.toThrow(/is a character device/);
  });
});

describe('inspectConfig', () => {
  it('returns the warnings beside the errors', async () => {
    await writeFile(file, '[sandbox]\nnam = "x"\n[resources]\nvcpus = "two"\n');
    const inspection = await inspectConfig({ cwd: project });
    expect(inspection.errors.map(formatConfigIssue)).toEqual([
      `${file}:4: resources.vcpus: expected an integer, got string "two"`,
    ]);
    expect(inspection.warnings.map(formatConfigIssue)).toEqual([
      `${file}:2: sandbox.nam: unknown key (ignored); expected one of: name, runtime, base_image, backend, ttl, idle_timeout`,
    ]);
  });
});
