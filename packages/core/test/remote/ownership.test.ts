import { describe, expect, it } from 'vitest';
import {
  AgentkernelError,
  checkRefBackend,
  checkSnapshotBackend,
  isOwned,
  OWNER_KEYS,
  ownerMetadata,
  type SandboxSpec,
} from '../../src/index.js';

const spec = (labels: Record<string, string>): SandboxSpec => ({
  name: 'box',
  network: true,
  ports: [],
  env: {},
  workspaceDir: '/workspace',
  labels,
});

describe('ownership metadata', () => {
  it('adds the owner keys to the labels', () => {
    expect(ownerMetadata(spec({ team: 'a' }), 'tok', 'acme', 'Acme tags')).toEqual({
      team: 'a',
      'agentkernel.managed': 'true',
      'agentkernel.name': 'box',
      'agentkernel.token': 'tok',
      'agentkernel.workspace': '/workspace',
    });
  });

  it('refuses a label that would overwrite an owner key, naming it', () => {
    const error: unknown = (() => {
      try {
        return ownerMetadata(spec({ [OWNER_KEYS.token]: 'forged' }), 'tok', 'acme', 'Acme tags');
      } catch (caught) {
        return caught;
      }
    })();
    expect(AgentkernelError.isInstance(error) && error.message).toContain(
      'label "agentkernel.token" is reserved for agentkernel\'s own Acme tags',
    );
  });

  it('tells owned sandboxes by the managed key and every wanted label', () => {
    const owned = ownerMetadata(spec({ team: 'a' }), 'tok', 'acme', 'Acme tags');
    expect(isOwned(owned)).toBe(true);
    expect(isOwned(owned, { team: 'a' })).toBe(true);
    expect(isOwned(owned, { team: 'b' })).toBe(false);
    expect(isOwned({ team: 'a' })).toBe(false);
  });

  it('refuses a ref of another backend', () => {
    expect(() => checkRefBackend({ backend: 'e2b', id: 'x', metadata: {} }, 'acme')).toThrow(
      /sandbox ref x belongs to backend "e2b", not "acme"/,
    );
  });

  it('refuses a snapshot of another backend, naming both, and lets its own pass', () => {
    const snapshot = { backend: 'e2b', id: 'snap-1', metadata: {} };
    expect(() => checkSnapshotBackend(snapshot, 'runloop', 'Runloop')).toThrow(
      /snapshot snap-1 is a e2b snapshot, not a Runloop one/,
    );
    expect(() => checkSnapshotBackend({ ...snapshot, backend: 'modal' }, 'e2b', 'E2B')).toThrow(
      /not an E2B one/,
    );
    expect(() => checkSnapshotBackend(snapshot, 'e2b', 'E2B')).not.toThrow();
  });
});
