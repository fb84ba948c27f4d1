import { describe, expect, it } from 'vitest';
import { BackendError, SandboxGoneError, type SandboxRecord } from '@agentkernel/core';
import { nameSandboxesIn } from '../src/runtime/sandbox-names.js';

const record = (name: string, backend: string, id: string) =>
  ({ name, backend, ref: { backend, id, metadata: {} } }) as unknown as SandboxRecord;

describe('nameSandboxesIn', () => {
  it('names the sandbox where a backend message names only its provider id', () => {
    const gone = nameSandboxesIn(new SandboxGoneError('e2b', 'i3x9kq'), [record('web', 'e2b', 'i3x9kq')]);
    expect((gone as Error).message).toBe('[agentkernel] [e2b] sandbox web (e2b id i3x9kq) no longer exists');
    const devbox = nameSandboxesIn(new BackendError('runloop', 'stopping devbox dbx_12 failed: 500'), [
      record('api', 'runloop', 'dbx_12'),
    ]) as BackendError;
    expect(devbox.detail).toBe('stopping sandbox api (runloop devbox dbx_12) failed: 500');
    expect(devbox.message).toBe(`[agentkernel] [runloop] ${devbox.detail}`);
    expect(BackendError.isInstance(devbox)).toBe(true);
  });

  it('leaves other ids, longer ids sharing a prefix, and foreign errors alone', () => {
    const error = new BackendError('e2b', 'sandbox i3x9kq-2 and sandbox i3x9kq2 failed');
    expect((nameSandboxesIn(error, [record('web', 'e2b', 'i3x9kq')]) as Error).message).toBe(
      '[agentkernel] [e2b] sandbox i3x9kq-2 and sandbox i3x9kq2 failed',
    );
    const plain = new Error('sandbox i3x9kq failed');
    expect(nameSandboxesIn(plain, [record('web', 'e2b', 'i3x9kq')])).toBe(plain);
    expect(plain.message).toBe('sandbox i3x9kq failed');
  });

  it('treats an id with regex characters literally', () => {
    const error = new BackendError('x', 'sandbox a.b+c gone; sandbox aXb+c kept');
    expect((nameSandboxesIn(error, [record('odd', 'x', 'a.b+c')]) as BackendError).detail).toBe(
      'sandbox odd (x id a.b+c) gone; sandbox aXb+c kept',
    );
  });
});
