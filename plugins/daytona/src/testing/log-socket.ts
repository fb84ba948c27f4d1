import { open } from 'node:fs/promises';
import type { WebSocket } from 'ws';
import type { FakeCommand, FakeSession } from './sessions.js';

const POLL_MS = 20;
const CHUNK = 64 * 1024;

/**
 * Streams a command's marked log over a WebSocket as the daemon does with `follow=true`: the file from
 * its start, in binary frames, then new bytes as they are written, until the command has an exit code
 * and everything is sent; then a normal close. Without `follow` it sends what there is and closes.
 */
export async function streamLog(
  socket: WebSocket,
  session: FakeSession,
  command: FakeCommand,
  follow: boolean,
): Promise<void> {
  const file = await open(command.logPath, 'r');
  let offset = 0;
  let closed = false;
  socket.on('close', () => {
    closed = true;
  });
  socket.on('error', () => {
    closed = true;
  });
  try {
    const buffer = Buffer.alloc(CHUNK);
    for (;;) {
      if (closed) return;
      const done = command.exitCode !== undefined || !session.running;
      const { bytesRead } = await file.read(buffer, 0, CHUNK, offset);
      if (bytesRead > 0) {
        offset += bytesRead;
        await new Promise<void>((resolve, reject) =>
          socket.send(Buffer.from(buffer.subarray(0, bytesRead)), { binary: true }, (error) =>
            error ? reject(error) : resolve(),
          ),
        );
        continue;
      }
      // Read once more after seeing the exit code: the last lines may have landed just before it.
      if (done || !follow) break;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    socket.close(1000);
  } catch {
    socket.terminate();
  } finally {
    await file.close();
  }
}
