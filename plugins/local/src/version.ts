declare const __AGENTKERNEL_PACKAGE_VERSION__: string | undefined;

/**
 * This package's version, written in from package.json by the build (scripts/build-package.mjs) and by
 * the tests' config; only a script run straight from the sources (tsx) sees the placeholder.
 */
export const VERSION: string =
  typeof __AGENTKERNEL_PACKAGE_VERSION__ === 'string' ? __AGENTKERNEL_PACKAGE_VERSION__ : '0.0.0-source';
