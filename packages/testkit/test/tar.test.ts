import { execFileSync } from 'node:child_process';
import {
  mkdtempSync,
  mkdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  chmodSync,
  lstatSync,
  readlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTarGz, readTarGz } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'ak-testkit-tar-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const longName = `${'deep/'.repeat(30)}${'n'.repeat(120)}.txt`;

describe('the testkit tar helpers agree with GNU tar', () => {
  it('writes archives tar extracts with content, modes, symlinks and long names', () => {
    const archive = createTarGz([
      { path: 'a', type: 'directory' },
      { path: 'a/run.sh', type: 'file', content: '#!/bin/sh\n', mode: 0o755 },
      { path: 'a/ünï côdé.bin', type: 'file', content: Buffer.from([0, 255, 10]) },
      { path: 'link', type: 'symlink', linkTarget: 'a/run.sh' },
      { path: `${'p'.repeat(90)}/${'q'.repeat(90)}`, type: 'file', content: 'split into prefix and name' },
    ]);
    const out = join(dir, 'extracted');
    mkdirSync(out);
    execFileSync('tar', ['-xzf', '-', '-C', out], { input: archive });
    expect(lstatSync(join(out, 'a/run.sh')).mode & 0o777).toBe(0o755);
    expect(readFileSync(join(out, 'a/ünï côdé.bin')).equals(Buffer.from([0, 255, 10]))).toBe(true);
    expect(readlinkSync(join(out, 'link'))).toBe('a/run.sh');
    expect(readFileSync(join(out, 'p'.repeat(90), 'q'.repeat(90)), 'utf8')).toBe(
      'split into prefix and name',
    );
  });

  it('reads archives tar writes, GNU and pax formats, long names included', () => {
    const src = join(dir, 'source');
    mkdirSync(join(src, longName, '..'), { recursive: true });
    writeFileSync(join(src, longName), 'long');
    writeFileSync(join(src, 'secret'), 'x');
    chmodSync(join(src, 'secret'), 0o600);
    symlinkSync('secret', join(src, 'to-secret'));
    for (const format of ['gnu', 'pax']) {
      const archive = execFileSync('tar', [
        '-czf',
        '-',
        `--format=${format}`,
        '-C',
        src,
        'deep',
        'secret',
        'to-secret',
      ]);
      const entries = new Map(readTarGz(archive).map((entry) => [entry.path, entry]));
      expect(entries.get(longName)?.content.toString(), format).toBe('long');
      expect(entries.get('secret')?.mode, format).toBe(0o600);
      expect(entries.get('to-secret'), format).toMatchObject({ type: 'symlink', linkTarget: 'secret' });
      expect(entries.get('deep')?.type, format).toBe('directory');
    }
  });
});
