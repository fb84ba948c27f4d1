import { describe, expect, it } from 'vitest';
import { AgentkernelError } from '@agentkernel/core';
import { copyDirection, parseCopyEndpoint, sandboxPath } from '../src/remote-path.js';

describe('parseCopyEndpoint', () => {
  it.each([
    ['demo:/workspace/a.txt', { kind: 'sandbox', sandbox: 'demo', path: '/workspace/a.txt' }],
    ['demo:out', { kind: 'sandbox', sandbox: 'demo', path: 'out' }],
    ['demo:', { kind: 'sandbox', sandbox: 'demo', path: '' }],
    ['my_box-2:/tmp/x:y', { kind: 'sandbox', sandbox: 'my_box-2', path: '/tmp/x:y' }],
    ['./demo:file', { kind: 'local', path: './demo:file' }],
    ['/abs/path', { kind: 'local', path: '/abs/path' }],
    ['relative/file.bin', { kind: 'local', path: 'relative/file.bin' }],
    [':nothing', { kind: 'local', path: ':nothing' }],
    ['-bad-:x', { kind: 'local', path: '-bad-:x' }],
    ['a b:/x', { kind: 'local', path: 'a b:/x' }],
  ])('%s', (text, expected) => {
    expect(parseCopyEndpoint(text)).toEqual(expected);
  });

  it('refuses an empty path', () => {
    expect(() => parseCopyEndpoint('')).toThrow(/empty path/);
  });
});

describe('sandboxPath', () => {
  it.each([
    ['', '/workspace'],
    ['out', '/workspace/out'],
    ['a/./b/../c', '/workspace/a/c'],
    ['/etc/hosts', '/etc/hosts'],
    ['dir/', '/workspace/dir/'],
    ['../../..', '/'],
  ])('%s', (path, expected) => {
    expect(sandboxPath(path, '/workspace')).toBe(expected);
  });
});

describe('copyDirection', () => {
  it('uploads local to sandbox and downloads sandbox to local', () => {
    expect(copyDirection(parseCopyEndpoint('./a'), parseCopyEndpoint('demo:/b'))).toEqual({
      direction: 'upload',
      local: './a',
      sandbox: 'demo',
      remote: '/b',
    });
    expect(copyDirection(parseCopyEndpoint('demo:b'), parseCopyEndpoint('.'))).toEqual({
      direction: 'download',
      local: '.',
      sandbox: 'demo',
      remote: 'b',
    });
  });

  it('refuses local to local and sandbox to sandbox with usage errors', () => {
    for (const [src, dst] of [
      ['a', 'b'],
      ['x:a', 'y:b'],
    ] as const) {
      let caught: unknown;
      try {
        copyDirection(parseCopyEndpoint(src), parseCopyEndpoint(dst));
      } catch (error) {
        caught = error;
      }
      expect(AgentkernelError.isInstance(caught) && caught.exitCode).toBe(2);
    }
  });
});
