import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * Writes `stream` to a private temporary file, runs `use` with its path, and removes it whatever
 * happens. Memory stays flat however large the stream is.
 */
export async function withSpool<T>(stream: Readable, use: (file: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'agentkernel-daytona-upload-'));
  try {
    const file = join(dir, 'upload');
    await pipeline(stream, createWriteStream(file, { mode: 0o600 }));
    return await use(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
