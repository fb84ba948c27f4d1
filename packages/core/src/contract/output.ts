import type { OutputHandler } from './backend.js';

/**
 * Hands one chunk to an {@link OutputHandler}. Returns a promise only while the handler is busy (it
 * returned a thenable), so a backend knows to read no further until it settles; a handler that throws
 * gives a rejected promise, so there is one failure path.
 */
export function deliverOutput(handler: OutputHandler, chunk: Uint8Array): Promise<void> | undefined {
  let returned: unknown;
  try {
    returned = handler(chunk);
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
  if (typeof (returned as PromiseLike<unknown> | undefined)?.then !== 'function') return undefined;
  return Promise.resolve(returned).then(() => undefined);
}
