import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { SecretScanner } from './secrets.js';

/** The sha256 of some bytes, in hex. */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Feeds every chunk of `stream` to `hash`, stopping when `signal` aborts. */
export async function hashStream(
  hash: Hash,
  stream: AsyncIterable<unknown>,
  signal?: AbortSignal,
): Promise<void> {
  for await (const chunk of stream) {
    signal?.throwIfAborted();
    hash.update(chunk as Buffer);
  }
}

/** The sha256 of a file (hex) and whether it holds one of `secrets`, in one streamed read. */
export async function digestFile(
  path: string,
  secrets: readonly string[],
  signal?: AbortSignal,
): Promise<{ sha256: string; holdsSecret: boolean }> {
  const hash = createHash('sha256');
  const scanner = new SecretScanner(secrets);
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20, signal })) {
    hash.update(chunk as Buffer);
    scanner.update(chunk as Buffer);
  }
  return { sha256: hash.digest('hex'), holdsSecret: scanner.found };
}

/** Runs `task` over `items` with at most `limit` in flight. */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await task(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
