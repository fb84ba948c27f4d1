import { constants, type Stats } from 'node:fs';
import { lstat, open, readlink } from 'node:fs/promises';
import type { ConfigIssue } from '../errors/errors.js';

/** No real `agentkernel.toml` comes near this; a larger file is a mistake, not a config. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

export type ConfigRead = { text: string } | { issue: ConfigIssue };

/**
 * Reads a config file without ever blocking or reading without bound: the file is opened non-blocking
 * (a FIFO cannot hang the command), must be a regular file once opened (a device, a folder or a socket
 * is refused by what it is), is at most {@link MAX_CONFIG_BYTES}, and must be UTF-8 (the line of the
 * first bad byte is named). `missing` is the message for a path that does not exist at all.
 */
export async function readConfigFile(file: string, missing: string): Promise<ConfigRead> {
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (error) {
    return { issue: { file, message: await openProblem(file, error, missing) } };
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) {
      return {
        issue: { file, message: `${await kindOf(file, info)}, not a regular file: cannot be a config file` },
      };
    }
    if (info.size > MAX_CONFIG_BYTES) {
      return {
        issue: { file, message: `is ${info.size} bytes; a config file is at most ${MAX_CONFIG_BYTES} bytes` },
      };
    }
    // Read one byte past the limit, in case the file grew since the stat.
    const buffer = Buffer.alloc(MAX_CONFIG_BYTES + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > MAX_CONFIG_BYTES) {
        return {
          issue: { file, message: `is larger than ${MAX_CONFIG_BYTES} bytes, the most a config file may be` },
        };
      }
    }
    return decodeUtf8(file, buffer.subarray(0, length));
  } finally {
    await handle.close();
  }
}

async function openProblem(file: string, error: unknown, missing: string): Promise<string> {
  const code = (error as { code?: string }).code;
  if (code === 'ENOENT') {
    const target = await linkTarget(file);
    return target === undefined ? missing : `is a symbolic link to ${target}, which does not exist`;
  }
  if (code === 'ELOOP') return 'is a symbolic link that loops';
  if (code === 'EACCES') return 'cannot be read: permission denied';
  return `cannot be read (${code ?? String(error)})`;
}

async function linkTarget(file: string): Promise<string | undefined> {
  try {
    return (await lstat(file)).isSymbolicLink() ? await readlink(file) : undefined;
  } catch {
    return undefined;
  }
}

async function kindOf(file: string, info: Stats): Promise<string> {
  const kind = info.isDirectory()
    ? 'is a directory'
    : info.isFIFO()
      ? 'is a FIFO (named pipe)'
      : info.isCharacterDevice()
        ? 'is a character device'
        : info.isBlockDevice()
          ? 'is a block device'
          : info.isSocket()
            ? 'is a socket'
            : 'is not a regular file';
  const target = await linkTarget(file);
  return target === undefined ? kind : `${kind} (through the symbolic link to ${target})`;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

function decodeUtf8(file: string, bytes: Buffer): ConfigRead {
  try {
    return { text: UTF8.decode(bytes) };
  } catch {
    // Decode line by line to name the first line that is not UTF-8; its bytes are not shown (a secret
    // may sit on it).
    let start = 0;
    for (let line = 1; ; line++) {
      const end = bytes.indexOf(0x0a, start);
      const slice = bytes.subarray(start, end === -1 ? bytes.length : end);
      try {
        UTF8.decode(slice);
      } catch {
        return {
          issue: { file, line, message: 'is not valid UTF-8 on this line (TOML files must be UTF-8)' },
        };
      }
      if (end === -1) break;
      start = end + 1;
    }
    return { issue: { file, message: 'is not valid UTF-8 (TOML files must be UTF-8)' } };
  }
}
