import { BACKEND_NAME_PATTERN } from '../config/schema.js';
import { UsageError } from '../errors/errors.js';

const OFFICIAL_SCOPE = '@agentkernel/';
const OFFICIAL_PREFIX = 'backend-';
const THIRD_PARTY_PREFIX = 'agentkernel-backend-';

/** True when `name` is a well-formed backend name (`e2b`, `my-cloud`). */
export function isBackendName(name: string): boolean {
  return BACKEND_NAME_PATTERN.test(name);
}

/**
 * The backend name a package provides by naming convention: `@agentkernel/backend-<name>`,
 * `agentkernel-backend-<name>` or `@<scope>/agentkernel-backend-<name>`; `undefined` for any other package.
 */
export function backendNameFromPackage(packageName: string): string | undefined {
  let suffix: string | undefined;
  if (packageName.startsWith(OFFICIAL_SCOPE + OFFICIAL_PREFIX)) {
    suffix = packageName.slice(OFFICIAL_SCOPE.length + OFFICIAL_PREFIX.length);
  } else if (packageName.startsWith('@')) {
    const slash = packageName.indexOf('/');
    const bare = packageName.slice(slash + 1);
    if (slash > 1 && bare.startsWith(THIRD_PARTY_PREFIX)) suffix = bare.slice(THIRD_PARTY_PREFIX.length);
  } else if (packageName.startsWith(THIRD_PARTY_PREFIX)) {
    suffix = packageName.slice(THIRD_PARTY_PREFIX.length);
  }
  return suffix !== undefined && isBackendName(suffix) ? suffix : undefined;
}

/** True for a package name that follows one of the plugin naming conventions. */
export function isPluginPackageName(packageName: string): boolean {
  return backendNameFromPackage(packageName) !== undefined;
}

/** True when a `--backend` value is a package name rather than a short backend name. */
export function isPackageSpecifier(backend: string): boolean {
  return backend.startsWith('@') || backend.includes('/') || backend.startsWith(THIRD_PARTY_PREFIX);
}

/**
 * The package names a `--backend` value stands for, most preferred first: `e2b` gives
 * `@agentkernel/backend-e2b` and `agentkernel-backend-e2b` (scoped third-party packages such as
 * `@acme/agentkernel-backend-e2b` are matched by discovery, which knows the installed scopes). A full
 * package name is returned as is.
 */
export function packageNamesFor(backend: string): string[] {
  if (isPackageSpecifier(backend)) {
    if (!isPluginPackageName(backend)) {
      throw new UsageError(
        `"${backend}" is not a backend package name: expected @agentkernel/backend-<name>, ` +
          'agentkernel-backend-<name> or @<scope>/agentkernel-backend-<name>',
      );
    }
    return [backend];
  }
  if (!isBackendName(backend)) {
    throw new UsageError(
      `invalid backend name ${JSON.stringify(backend)}: use lower-case letters, digits and "-" (for example "e2b")`,
    );
  }
  return [`${OFFICIAL_SCOPE}${OFFICIAL_PREFIX}${backend}`, `${THIRD_PARTY_PREFIX}${backend}`];
}
