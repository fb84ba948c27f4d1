import { readlink, realpath } from 'node:fs/promises';
import { findOnPath } from './bubblewrap.js';
import { inCgroup } from './cgroup.js';
import { IsolationUnavailableError } from './errors.js';
import type { IsolationOptions, JoinTarget } from './options.js';

const UTIL_LINUX_HINT =
  'install util-linux (nsenter, setpriv): apt-get install -y util-linux or dnf install util-linux';

// nsenter needs every capability to enter the namespaces and keeps them: the command must not. setpriv
// empties the bounding set, so no capability survives the exec of the command (not even for uid 0),
// sets no-new-privs as bwrap does, and kills the command if the CLI that joined it dies.
const DROP_CAPABILITIES = [
  '--bounding-set',
  '-all',
  '--inh-caps',
  '-all',
  '--ambient-caps',
  '-all',
  '--no-new-privs',
  '--pdeathsig',
  'KILL',
  '--',
];

async function sameUserNamespace(pid: number): Promise<boolean> {
  const [ours, theirs] = await Promise.all([
    readlink('/proc/self/ns/user').catch(() => ''),
    readlink(`/proc/${pid}/ns/user`).catch(() => ''),
  ]);
  return ours !== '' && ours === theirs;
}

/**
 * The program and arguments that run `command` inside a running environment: nsenter joins its
 * mount, UTS, IPC, network and pid namespaces, its root and (when bwrap made one, as it does for an
 * unprivileged user) its user namespace; then setpriv drops every capability before the command runs.
 */
export async function joinCommand(
  target: JoinTarget,
  options: Pick<IsolationOptions, 'searchPath' | 'backend'>,
  command: readonly string[],
): Promise<{ file: string; args: string[] }> {
  const [nsenter, setpriv] = await Promise.all([
    findOnPath('nsenter', options.searchPath),
    findOnPath('setpriv', options.searchPath),
  ]);
  if (nsenter === undefined || setpriv === undefined) {
    throw new IsolationUnavailableError(
      `joining a running sandbox needs nsenter and setpriv, and ${nsenter === undefined ? 'nsenter' : 'setpriv'} was not found on PATH`,
      options.backend === undefined ? {} : { backend: options.backend },
      UTIL_LINUX_HINT,
    );
  }
  // Run inside the sandbox with every capability still held, so it must be the read-only system copy
  // (looked up by PATH there, a program the sandbox wrote could run in its place).
  const inside = await realpath(setpriv);
  if (!inside.startsWith('/usr/')) {
    throw new IsolationUnavailableError(
      `setpriv must be under /usr, which sandboxes see read-only, not at ${inside}`,
      options.backend === undefined ? {} : { backend: options.backend },
      UTIL_LINUX_HINT,
    );
  }
  const user = (await sameUserNamespace(target.pid)) ? [] : ['--user', '--preserve-credentials'];
  const args = [
    '--pdeathsig',
    'KILL',
    '--',
    nsenter,
    '--target',
    String(target.pid),
    ...user,
    '--mount',
    '--uts',
    '--ipc',
    '--net',
    '--pid',
    '--root',
    '--wd',
    '--',
    inside,
    ...DROP_CAPABILITIES,
    ...command,
  ];
  return target.cgroup === undefined ? { file: setpriv, args } : inCgroup(target.cgroup, setpriv, args);
}
