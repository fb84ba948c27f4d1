import { once } from 'node:events';
import type { ReadEntry } from 'tar';

export interface TarReadOptions {
  signal?: AbortSignal;
  /** Called with the total compressed bytes read so far. */
  onChunk?: (compressedBytes: number) => void;
}

/**
 * Reads a (gzip) tar stream and hands each entry to `handle`, one at a time: the next entry is not
 * handled before the previous one's promise settles, and input is read only as fast as entries are
 * consumed, so memory stays flat for any archive. The first failure (of the input, the parser or a
 * handler) stops reading, ends the entry in flight and is thrown.
 */
export async function forEachTarEntry(
  archive: AsyncIterable<unknown> & { destroy?: () => void },
  handle: (entry: ReadEntry) => Promise<void>,
  options: TarReadOptions = {},
): Promise<{ compressedBytes: number }> {
  const { Parser } = await import('tar');
  // The ratio guard protects memory-bound consumers; entries here are streamed (zeros compress ~1000:1).
  const parser = new Parser({ strict: true, maxDecompressionRatio: Number.MAX_SAFE_INTEGER });
  const queue: ReadEntry[] = [];
  let wake: (() => void) | undefined;
  const notify = (): void => {
    wake?.();
    wake = undefined;
  };
  // Only the consumer waits here; the parser itself holds input back until each entry is read.
  const waitForChange = (): Promise<void> => new Promise((resolve) => (wake = resolve));
  let failure: Error | undefined;
  let current: ReadEntry | undefined;
  let signalFailure!: () => void;
  const failed = new Promise<void>((resolve) => (signalFailure = resolve));
  const fail = (error: unknown): void => {
    failure ??= error instanceof Error ? error : new Error('reading the archive failed', { cause: error });
    signalFailure();
    // An entry being handled waits for data that will never come: end it.
    current?.destroy(failure);
    notify();
  };
  let ended = false;
  let compressedBytes = 0;

  let sawEntry = false;
  parser.on('entry', (entry: ReadEntry) => {
    sawEntry = true;
    queue.push(entry);
    notify();
  });
  parser.on('error', (error: Error & { code?: string }) => {
    // tar of an empty folder is only end-of-archive blocks, which node-tar's strict mode calls
    // unrecognised; a damaged header fails earlier with its own code, so only this case is let through.
    if (error.code === 'TAR_BAD_ARCHIVE' && !sawEntry && compressedBytes > 0 && !failure) return;
    fail(error);
  });
  const parserEnded = new Promise<void>((resolve) => parser.on('end', resolve));

  const consume = async (): Promise<void> => {
    for (;;) {
      const entry = queue.shift();
      if (!entry) {
        if (ended || failure) return;
        await waitForChange();
        continue;
      }
      if (failure) {
        entry.resume();
        continue;
      }
      current = entry;
      try {
        await handle(entry);
      } catch (error) {
        fail(error);
        entry.resume();
      } finally {
        current = undefined;
      }
    }
  };
  const consumer = consume();

  try {
    for await (const chunk of archive) {
      options.signal?.throwIfAborted();
      const buffer = chunk as Buffer;
      compressedBytes += buffer.length;
      options.onChunk?.(compressedBytes);
      if (!parser.write(buffer)) await Promise.race([once(parser, 'drain'), failed]);
      if (failure) break;
    }
    if (!failure) {
      parser.end();
      await Promise.race([parserEnded, failed]);
    }
  } catch (error) {
    fail(error);
  } finally {
    ended = true;
    notify();
    await consumer;
    if (failure) archive.destroy?.();
  }
  if (failure) throw failure;
  return { compressedBytes };
}
