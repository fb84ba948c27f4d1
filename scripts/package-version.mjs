// A package's version reaches its code at build time, never by hand: `src/version.ts` reads this global,
// which the build (scripts/build-package.mjs) and the tests (vitest.shared.js) replace with the version
// in the nearest package.json. Each file gets its own package's version, even when a test of one package
// loads another package's sources.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const PACKAGE_VERSION_GLOBAL = '__AGENTKERNEL_PACKAGE_VERSION__';

const pattern = new RegExp(`\\b${PACKAGE_VERSION_GLOBAL}\\b`, 'g');

/** The `version` of the package.json nearest to `file`. */
export function packageVersionOf(file) {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const { version } = JSON.parse(readFileSync(manifest, 'utf8'));
      if (typeof version !== 'string') throw new Error(`${manifest} has no version`);
      return version;
    }
    if (dirname(dir) === dir) throw new Error(`no package.json above ${file}`);
  }
}

/** A Vite plugin (for vitest) that writes each source file's package version in. */
export function packageVersionPlugin() {
  const versions = new Map();
  return {
    name: 'agentkernel-package-version',
    // After TypeScript is stripped, so `declare const` lines are gone.
    enforce: 'post',
    transform(code, id) {
      if (!pattern.test(code)) return null;
      pattern.lastIndex = 0;
      const file = id.split('?')[0];
      if (!versions.has(file)) versions.set(file, JSON.stringify(packageVersionOf(file)));
      return { code: code.replace(pattern, versions.get(file)), map: null };
    },
  };
}
