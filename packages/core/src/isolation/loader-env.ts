// bwrap, nsenter and setpriv run on this machine, as root when the CLI is, before any capability is
// dropped; the dynamic loader reads these variables for them as for any program (root is not a setuid
// "secure" execution, so glibc does not ignore them). A command's env must not reach them: an
// LD_PRELOAD naming a library the sandbox wrote would run it on the host with every capability.
const LOADER_NAMES = new Set([
  'GCONV_PATH',
  'GETCONF_DIR',
  'GLIBC_TUNABLES',
  'HOSTALIASES',
  'LOCALDOMAIN',
  'LOCPATH',
  'MALLOC_TRACE',
  'NIS_PATH',
  'NLSPATH',
  'RESOLV_HOST_CONF',
  'RES_OPTIONS',
  'TMPDIR',
  'TZDIR',
]);
const PREFIX = 'AGENTKERNEL_LOADER_';
const LIST = 'AGENTKERNEL_LOADER_VARS';
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const isLoaderName = (name: string): boolean =>
  name.startsWith('LD_') || name.startsWith('MALLOC_') || LOADER_NAMES.has(name);

/**
 * Moves the variables the dynamic loader reads out of the way of the host-side launchers: each is
 * carried under `AGENTKERNEL_LOADER_<name>` and put back by {@link RESTORE_LOADER_ENV} inside the
 * sandbox, after capabilities are gone. A loader name that is not a shell name is dropped.
 */
export function hideLoaderEnv(env: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  const moved: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (!isLoaderName(name)) out[name] = value;
    else if (NAME.test(name)) {
      out[`${PREFIX}${name}`] = value;
      moved.push(name);
    }
  }
  if (moved.length > 0) out[LIST] = moved.join(' ');
  return out;
}

/** The launcher's first line: puts back what {@link hideLoaderEnv} carried (names are checked there). */
export const RESTORE_LOADER_ENV = `for n in $${LIST}; do eval "export $n=\\"\\$${PREFIX}$n\\"; unset ${PREFIX}$n"; done; unset ${LIST}`;
