import { describe, expect, it } from 'vitest';
import { BackendError } from '../../src/errors/errors.js';
import {
  cleanUpFailedCreate,
  createRetrier,
  failedCreateError,
  leftOverError,
} from '../../src/remote/index.js';

const retrier = createRetrier({ backend: 'acme', policy: { retries: 2, baseDelayMs: 1, maxDelayMs: 1 } });
const unavailable = (): Error => Object.assign(new Error('503 busy'), { status: 503 });

describe('cleanUpFailedCreate', () => {
  it('removes what the failed create left, retrying transient failures', async () => {
    const removed: string[] = [];
    let attempts = 0;
    const left = await cleanUpFailedCreate({
      backend: 'acme',
      retrier,
      what: 'sandbox demo',
      mayHaveMade: true,
      find: async () => 'sb-1',
      remove: async (id) => {
        if (++attempts < 3) throw unavailable();
        removed.push(id);
      },
    });
    expect(left).toBeUndefined();
    expect(removed).toEqual(['sb-1']);
  });

  it('does nothing when the create made nothing', async () => {
    const left = await cleanUpFailedCreate({
      backend: 'acme',
      retrier,
      what: 'sandbox demo',
      mayHaveMade: true,
      find: async () => undefined,
      remove: async () => {
        throw new Error('must not be called');
      },
    });
    expect(left).toBeUndefined();
  });

  it('reports the id left behind when removing keeps failing, and an unknown id when looking fails', async () => {
    const stuck = await cleanUpFailedCreate({
      backend: 'acme',
      retrier,
      what: 'sandbox demo',
      mayHaveMade: true,
      find: async () => 'sb-2',
      remove: async () => {
        throw unavailable();
      },
    });
    expect(stuck).toMatchObject({ id: 'sb-2' });
    const lost = await cleanUpFailedCreate({
      backend: 'acme',
      retrier,
      what: 'sandbox demo',
      mayHaveMade: true,
      find: async () => {
        throw unavailable();
      },
      remove: async () => undefined,
    });
    expect(lost).toMatchObject({ id: undefined });
  });

  it('does not report a failed lookup after a create the provider refused outright', async () => {
    const left = await cleanUpFailedCreate({
      backend: 'acme',
      retrier,
      what: 'sandbox demo',
      mayHaveMade: false,
      find: async () => {
        throw new Error('401 bad key');
      },
      remove: async () => undefined,
    });
    expect(left).toBeUndefined();
  });
});

describe('leftOverError', () => {
  it('keeps the create failure as cause and names the id in the message and the hint', () => {
    const failure = new BackendError('acme', 'creating sandbox demo failed: boom');
    const error = leftOverError(
      'acme',
      failure,
      { id: 'sb-3', reason: new Error('503 busy') },
      'run acme rm',
    );
    expect(error.code).toBe('CREATE_LEFT_SANDBOX');
    expect(error.message).toBe(
      '[agentkernel] [acme] creating sandbox demo failed: boom; it left sb-3 at the provider, and removing it failed: 503 busy',
    );
    expect(error.hint).toBe('run acme rm (id sb-3)');
    expect(error.cause).toBe(failure);
  });
});

describe('failedCreateError', () => {
  const stuck = {
    backend: 'acme',
    retrier,
    what: 'sandbox demo',
    mayHaveMade: true,
    find: async () => 'sb-9',
    remove: async () => {
      throw new Error('permission denied');
    },
    removeHint: 'remove it in the Acme console',
  };

  it('returns the failure itself when nothing is left', async () => {
    const failure = new BackendError('acme', 'quota exceeded');
    const warnings: string[] = [];
    const error = await failedCreateError({
      ...stuck,
      remove: async () => undefined,
      failure,
      logger: { warn: (m) => warnings.push(m) },
    });
    expect(error).toBe(failure);
    expect(warnings).toEqual([]);
  });

  it('names what is left when the failure is ours', async () => {
    const warnings: string[] = [];
    const error = await failedCreateError({
      ...stuck,
      failure: new BackendError('acme', 'quota exceeded'),
      logger: { warn: (m) => warnings.push(m) },
    });
    expect(BackendError.isInstance(error) && error.code).toBe('CREATE_LEFT_SANDBOX');
    expect(BackendError.isInstance(error) && error.hint).toBe('remove it in the Acme console (id sb-9)');
    expect(warnings).toEqual([]);
  });

  it("keeps an abort's reason as is and says what is left in a warning", async () => {
    const reason = new Error('user gave up');
    const warnings: string[] = [];
    const error = await failedCreateError({
      ...stuck,
      failure: reason,
      logger: { warn: (m) => warnings.push(m) },
    });
    expect(error).toBe(reason);
    expect(warnings.join('\n')).toContain('it left sb-9 at the provider, and removing it failed');
  });
});
