declare const __AGENTKERNEL_PACKAGE_VERSION__: string | undefined;

/**
 * The CLI's version, written in from package.json by the build (scripts/build-package.mjs) and by the
 * tests' config, so a start reads no package.json for it; only a script run straight from the sources
 * (tsx) sees the placeholder.
 */
export function cliVersion(): string {
  return typeof __AGENTKERNEL_PACKAGE_VERSION__ === 'string'
    ? __AGENTKERNEL_PACKAGE_VERSION__
    : '0.0.0-source';
}
