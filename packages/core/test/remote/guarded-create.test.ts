import { describe, expect, it } from 'vitest';
import { BackendError, UsageError } from '../../src/errors/errors.js';
import { createRetrier, guardedCreate, type GuardedCreate } from '../../src/remote/index.js';

const retrier = createRetrier({ backend: 'acme', policy: { retries: 2, baseDelayMs: 1, maxDelayMs: 1 } });
const lost = (): Error => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
const refused = (): Error => Object.assign(new Error('bad template'), { status: 400 });

/** A provider whose sandboxes are ids in a set; `made` lists every create that reached it. */
function provider() {
  const live = new Set<string>();
  const made: string[] = [];
  const warnings: string[] = [];
  const make = (): string => {
    const id = `sb-${made.length + 1}`;
    made.push(id);
    live.add(id);
    return id;
  };
  const steps = (over: Partial<GuardedCreate<string, string>> = {}): GuardedCreate<string, string> => ({
    what: 'sandbox demo',
    action: 'creating sandbox demo',
    create: async () => make(),
    adopt: async () => [...live][0],
    find: async () => [...live][0],
    idOf: (id) => id,
    remove: async (id) => void live.delete(id),
    removeHint: 'delete it in the Acme console',
    createFailed: (error) => new BackendError('acme', `create failed: ${(error as Error).message}`),
    ready: async (id) => `handle ${id}`,
    ...over,
  });
  const runtime = { retrier, logger: { warn: (line: string) => warnings.push(line) } };
  return { live, made, warnings, make, steps, runtime };
}

describe('guardedCreate', () => {
  it('creates, settles and readies, returning the handle', async () => {
    const p = provider();
    const settled: string[] = [];
    const handle = await guardedCreate(p.runtime, p.steps({ settle: async (id) => void settled.push(id) }));
    expect(handle).toBe('handle sb-1');
    expect(settled).toEqual(['sb-1']);
    expect([...p.live]).toEqual(['sb-1']);
  });

  it('adopts what a create whose answer was lost made, instead of making another', async () => {
    const p = provider();
    const handle = await guardedCreate(
      p.runtime,
      p.steps({
        create: async () => {
          p.make();
          throw lost();
        },
      }),
    );
    expect(handle).toBe('handle sb-1');
    expect(p.made).toEqual(['sb-1']);
  });

  it('reports a refused create as createFailed says, after looking for a left-over', async () => {
    const p = provider();
    const found: string[] = [];
    const failure = guardedCreate(
      p.runtime,
      p.steps({
        create: () => Promise.reject(refused()),
        find: async () => {
          found.push('looked');
          return undefined;
        },
      }),
    );
    await expect(failure).rejects.toThrow('create failed: bad template');
    expect(found).toEqual(['looked']);
  });

  it('removes the sandbox when ready fails, and throws ready’s error', async () => {
    const p = provider();
    const failure = new UsageError('no workspace', { backend: 'acme' });
    await expect(
      guardedCreate(
        p.runtime,
        p.steps({
          ready: () => Promise.reject(failure),
          find: async () => 'not-this-one',
        }),
      ),
    ).rejects.toBe(failure);
    expect(p.live.size).toBe(0);
  });

  it('counts a failed settle as the create failing, and removes what was made', async () => {
    const p = provider();
    await expect(
      guardedCreate(p.runtime, p.steps({ settle: () => Promise.reject(refused()) })),
    ).rejects.toThrow('create failed: bad template');
    expect(p.live.size).toBe(0);
  });

  it('names what is left when removing it fails too', async () => {
    const p = provider();
    const error = await guardedCreate(
      p.runtime,
      p.steps({
        ready: () => Promise.reject(new BackendError('acme', 'mkdir failed')),
        remove: () => Promise.reject(refused()),
      }),
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BackendError);
    expect(error).toMatchObject({
      code: 'CREATE_LEFT_SANDBOX',
      hint: 'delete it in the Acme console (id sb-1)',
    });
  });

  it('after an abort throws its reason, removes what was made and warns about a left-over', async () => {
    const p = provider();
    const controller = new AbortController();
    const reason = new Error('interrupted');
    const aborting = p.steps({
      signal: controller.signal,
      create: async () => {
        const id = p.make();
        controller.abort(reason);
        return id;
      },
    });
    await expect(guardedCreate(p.runtime, aborting)).rejects.toBe(reason);
    expect(p.live.size).toBe(0);

    const stuck = provider();
    const again = new AbortController();
    await expect(
      guardedCreate(
        stuck.runtime,
        stuck.steps({
          signal: again.signal,
          create: async () => {
            const id = stuck.make();
            again.abort(reason);
            return id;
          },
          remove: () => Promise.reject(refused()),
        }),
      ),
    ).rejects.toBe(reason);
    expect(stuck.warnings).toEqual([expect.stringContaining('it left sb-1 at the provider')]);
  });

  it('reports a failed lookup as a possible left-over once an attempt was ambiguous', async () => {
    const p = provider();
    let attempts = 0;
    const error = await guardedCreate(
      p.runtime,
      p.steps({
        create: () => Promise.reject(++attempts === 1 ? lost() : refused()),
        adopt: async () => undefined,
        find: () => Promise.reject(refused()),
      }),
    ).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'CREATE_LEFT_SANDBOX' });
    expect((error as Error).message).toContain('it may have left a sandbox at the provider');
  });
});
