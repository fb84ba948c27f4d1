import { Readable } from 'node:stream';

/** How much of a stream {@link replayableBody} keeps in memory to make an upload retryable: 16 MiB. */
export const REPLAYABLE_BODY_BYTES = 16 * 1024 * 1024;

/**
 * Reads `input` up to `limit` bytes: a stream that ends within the limit comes back as one buffer, which
 * an upload can send again after a transient failure (replay `idempotent`); a longer one comes back as
 * a stream of the same bytes (what was read, then the rest), which can be sent once only. Memory stays
 * bounded by `limit`.
 */
export async function replayableBody(
  input: Readable,
  limit = REPLAYABLE_BODY_BYTES,
): Promise<Buffer | Readable> {
  const chunks: Buffer[] = [];
  let size = 0;
  const iterator = input[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  for (;;) {
    const next = await iterator.next();
    if (next.done === true) return Buffer.concat(chunks, size);
    const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
    chunks.push(chunk);
    size += chunk.length;
    if (size > limit) break;
  }
  async function* rest(): AsyncGenerator<Buffer> {
    yield* chunks;
    for (;;) {
      const next = await iterator.next();
      if (next.done === true) return;
      yield typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
    }
  }
  return Readable.from(rest(), { objectMode: false });
}
