import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';

/** Reads a whole stream into one buffer. */
export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

export const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

/**
 * A stream of `size` random bytes, produced a chunk at a time (never held whole), and the sha256 of
 * what it produced once it has ended.
 */
export function randomStream(size: number, chunkSize = 1 << 20): { stream: Readable; digest: () => string } {
  const hash = createHash('sha256');
  let left = size;
  const stream = new Readable({
    read() {
      if (left === 0) {
        this.push(null);
        return;
      }
      const chunk = randomBytes(Math.min(chunkSize, left));
      left -= chunk.length;
      hash.update(chunk);
      this.push(chunk);
    },
  });
  return { stream, digest: () => hash.copy().digest('hex') };
}

/** Every byte value once, 0 to 255. */
export const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
