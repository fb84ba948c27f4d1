import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { promisify } from 'node:util';
import { findOnPath } from './bubblewrap.js';
import { IsolationError, IsolationUnavailableError } from './errors.js';
import { processStartTime } from './procs.js';

const run = promisify(execFile);

/** The commands that install pasta, which gives each sandbox with the network on its own connection. */
export const PASTA_INSTALL_HINT =
  'install passt (it provides pasta): apt-get install -y passt (Debian, Ubuntu) or dnf install passt (Fedora, RHEL); scripts/setup.sh does it';

/** Where pasta is, or undefined. */
export function pastaPath(searchPath?: string): Promise<string | undefined> {
  return findOnPath('pasta', searchPath);
}

/** Like {@link pastaPath}, but throws {@link IsolationUnavailableError} naming the install command. */
export async function requirePasta(searchPath?: string, backend?: string): Promise<string> {
  const found = await pastaPath(searchPath);
  if (found === undefined) {
    throw new IsolationUnavailableError(
      'a sandbox with the network on needs pasta (from passt) for its own network namespace, and pasta was not found on PATH',
      { ...(backend === undefined ? {} : { backend }), hint: PASTA_INSTALL_HINT },
      PASTA_INSTALL_HINT,
    );
  }
  return found;
}

/** One sandbox port and the host port that reaches it. */
export interface ForwardedPort {
  readonly port: number;
  readonly hostPort: number;
}

/** The pasta process that connects one sandbox's network namespace to the host's network. */
export interface NetworkRecord {
  readonly pid: number;
  readonly startTime: string | null;
  readonly ports: readonly ForwardedPort[];
}

// Listening on port 0 of every address at once gives distinct ports the kernel considers free; they
// are closed right before pasta binds them, so another program taking one in between is unlikely.
async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i += 1) {
      const server = createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', resolve);
      });
    }
    return servers.map((server) => (server.address() as { port: number }).port);
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}

/**
 * Starts pasta for the network namespace of `pid`: the sandbox gets outbound TCP, UDP and ICMP through
 * this machine's sockets, and each of `ports` is reachable at `127.0.0.1:<hostPort>` on the host, a
 * distinct free port per sandbox port. The sandbox cannot reach the host's own loopback services
 * (`--no-map-gw`, no forwarding from the namespace to host ports).
 */
export async function startNetwork(
  pastaFile: string,
  pid: number,
  ports: readonly number[],
  pidFile: string,
  backend?: string,
): Promise<NetworkRecord> {
  const hostPorts = await freePorts(ports.length);
  const forwarded = ports.map((port, index) => ({ port, hostPort: hostPorts[index]! }));
  const tcp = forwarded.flatMap(({ port, hostPort }) => ['-t', `127.0.0.1/${hostPort}:${port}`]);
  // pasta drops to "nobody" before it opens the namespace unless told otherwise; as root, opening a
  // namespace of another root process needs root, so it keeps our own ids (it still drops capabilities).
  const ids = `${process.getuid?.() ?? 0}:${process.getgid?.() ?? 0}`;
  const args = [
    '--quiet',
    '--runas',
    ids,
    '--config-net',
    '--no-map-gw',
    ...(tcp.length === 0 ? ['-t', 'none'] : tcp),
    '-u',
    'none',
    '-T',
    'none',
    '-U',
    'none',
    '--pid',
    pidFile,
    '--netns',
    `/proc/${pid}/ns/net`,
  ];
  await rm(pidFile, { force: true });
  try {
    // pasta forks into the background once the namespace is configured and the ports are bound.
    await run(pastaFile, args, { timeout: 10_000 });
  } catch (error) {
    const detail = ((error as { stderr?: string }).stderr ?? '')
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('Failed to send'))
      .join('; ');
    throw new IsolationError(
      `cannot connect the sandbox's network with ${pastaFile}: ${detail || (error as Error).message}`,
      { ...(backend === undefined ? {} : { backend }), cause: error },
    );
  }
  const daemon = Number((await readFile(pidFile, 'utf8')).trim());
  return { pid: daemon, startTime: processStartTime(daemon) ?? null, ports: forwarded };
}
