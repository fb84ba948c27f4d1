import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { assertBackendPlugin, messageOf } from '@agentkernel/core';

/**
 * The plugin shape of DESIGN.md section 2, as ADD-BACKEND.md spells it out. Every problem names the file
 * (relative to the repository root) and says what to do; each rule refers to the ADD-BACKEND.md heading
 * that explains it.
 */
export const RULES = [
  'files',
  'package.json',
  'copied files',
  'src/index.ts',
  'src/name.ts and src/plugin.ts',
  'src/<name>-backend.ts',
  'imports',
  'built module',
] as const;
export type Rule = (typeof RULES)[number];
export type ShapeReport = Record<Rule, string[]>;

interface PackageJson {
  name?: string;
  version?: string;
  private?: boolean;
  type?: string;
  sideEffects?: unknown;
  license?: string;
  engines?: { node?: string };
  files?: string[];
  repository?: { directory?: string };
  keywords?: string[];
  exports?: Record<string, unknown>;
  publishConfig?: { exports?: Record<string, unknown> };
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  devDependencies?: Record<string, string>;
  agentkernel?: { backend?: string; specificationVersion?: string; status?: string };
}

const SOURCE_CONDITION = '@agentkernel/source';
const BUILD_SCRIPT = 'node ../../scripts/build-package.mjs';
const CORE_PEER_RANGE = 'workspace:>=0.0.0 <1.0.0';
const EXACT_VERSION = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;
const COPIED_FILES = ['src/version.ts', 'tsconfig.json', 'tsconfig.build.json'];

/** The files ADD-BACKEND.md says are copied as they are, keyed by path, read from its code blocks. */
export function canonicalFiles(root: string): Map<string, string> {
  const doc = readFileSync(join(root, 'ADD-BACKEND.md'), 'utf8');
  const files = new Map<string, string>();
  for (const match of doc.matchAll(/^### `([^`]+)`\n\n```\w+\n([\s\S]*?)```$/gm))
    files.set(match[1]!, match[2]!);
  files.set('LICENSE', readFileSync(join(root, 'LICENSE'), 'utf8'));
  return files;
}

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8')) as unknown;
}

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.[cm]?tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
}

function lineOf(source: ts.SourceFile, node: ts.Node): number {
  return source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
}

/** Every module specifier a file names: static imports and re-exports, `import()`, `import type`. */
function importsOf(file: string): { specifier: string; line: number }[] {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  const text = readFileSync(file, 'utf8');
  return info.importedFiles.map((ref) => ({
    specifier: ref.fileName,
    line: text.slice(0, ref.pos).split('\n').length,
  }));
}

function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** What `./x.js` names in a TypeScript source tree: `./x.ts` (or `./x/index.ts`). */
function resolveRelative(from: string, specifier: string): string {
  const target = resolve(dirname(from), specifier);
  for (const candidate of [target.replace(/\.[cm]?js$/, '.ts'), target, join(target, 'index.ts')])
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  return target;
}

function stripCondition(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => key !== SOURCE_CONDITION));
}

/** `e2b` matches `createE2BBackend`, `local` matches `createLocalBackend`, `my-cloud` `createMyCloudBackend`. */
function isFactoryName(identifier: string, name: string): boolean {
  const match = /^create(.+)Backend$/.exec(identifier);
  return match !== null && match[1]!.toLowerCase() === name.replace(/-/g, '').toLowerCase();
}

/** Checks one plugin folder; `root` is the repository (for ADD-BACKEND.md and LICENSE). */
export async function checkPlugin(pluginDir: string, root: string): Promise<ShapeReport> {
  const report = Object.fromEntries(RULES.map((rule) => [rule, [] as string[]])) as ShapeReport;
  const name = pluginDir.split(sep).at(-1)!;
  const at = (path: string): string => relative(root, join(pluginDir, path)) || '.';
  const problem = (rule: Rule, message: string): void => {
    report[rule].push(`${message} (ADD-BACKEND.md, "${rule}")`);
  };
  const src = (path: string): string => join(pluginDir, 'src', path);

  if (!existsSync(join(pluginDir, 'package.json'))) {
    problem('files', `${at('package.json')} is missing: copy the template from ADD-BACKEND.md`);
    return report;
  }
  const pkg = readJson(join(pluginDir, 'package.json')) as PackageJson;
  const stub = pkg.agentkernel?.status === 'stub';

  // files
  const required = [
    'package.json',
    'LICENSE',
    'README.md',
    'CHANGELOG.md',
    'src/index.ts',
    'src/plugin.ts',
    'src/name.ts',
    'src/version.ts',
    `src/${name}-backend.ts`,
    ...(stub ? [] : [`src/${name}-sandbox.ts`]),
  ];
  for (const file of required)
    if (!existsSync(join(pluginDir, file))) problem('files', `${at(file)} is missing`);
  const tests = existsSync(join(pluginDir, 'test'))
    ? readdirSync(join(pluginDir, 'test'), { recursive: true }).filter((file) =>
        String(file).endsWith('.test.ts'),
      )
    : [];
  if (tests.length === 0) problem('files', `${at('test')} holds no *.test.ts: add the plugin's tests there`);
  const hasTesting = existsSync(src('testing'));
  if (hasTesting)
    for (const file of ['index.ts', 'serve.ts'])
      if (!existsSync(src(`testing/${file}`)))
        problem(
          'files',
          `${at(`src/testing/${file}`)} is missing: src/testing/ holds the fake and its serve main`,
        );

  // package.json
  const pj = (message: string): void => problem('package.json', `${at('package.json')}: ${message}`);
  const expected: [string, unknown, unknown][] = [
    ['name', pkg.name, `@agentkernel/backend-${name}`],
    ['type', pkg.type, 'module'],
    ['sideEffects', pkg.sideEffects, false],
    ['license', pkg.license, 'Apache-2.0'],
    ['engines.node', pkg.engines?.node, '>=20.19'],
    ['repository.directory', pkg.repository?.directory, `plugins/${name}`],
    ['files', pkg.files, ['dist', 'README.md', 'CHANGELOG.md', 'LICENSE']],
    ['scripts.build', pkg.scripts?.build, BUILD_SCRIPT],
    ['peerDependencies["@agentkernel/core"]', pkg.peerDependencies?.['@agentkernel/core'], CORE_PEER_RANGE],
    ['devDependencies["@agentkernel/core"]', pkg.devDependencies?.['@agentkernel/core'], 'workspace:^'],
    ['agentkernel.backend', pkg.agentkernel?.backend, name],
    ['agentkernel.specificationVersion', pkg.agentkernel?.specificationVersion, 'agentkernel-backend-v1'],
  ];
  for (const [key, actual, want] of expected)
    if (JSON.stringify(actual) !== JSON.stringify(want))
      pj(`${key} must be ${JSON.stringify(want)}, not ${JSON.stringify(actual)}`);
  if (pkg.private) pj('a plugin is published: remove "private"');
  for (const script of ['typecheck', 'lint', 'test'])
    if (pkg.scripts?.[script] === undefined) pj(`scripts.${script} is missing: copy it from the template`);
  if (!['ready', 'stub'].includes(pkg.agentkernel?.status ?? ''))
    pj(`agentkernel.status must be "ready" or "stub", not ${JSON.stringify(pkg.agentkernel?.status)}`);
  if (!pkg.keywords?.includes('agentkernel-backend')) pj('keywords must include "agentkernel-backend"');
  const exportsMap = pkg.exports ?? {};
  const wantedExports: Record<string, string> = {
    '.': 'index',
    ...(hasTesting ? { './testing': 'testing/index' } : {}),
  };
  for (const [subpath, base] of Object.entries(wantedExports)) {
    const want = {
      [SOURCE_CONDITION]: `./src/${base}.ts`,
      types: `./dist/${base}.d.ts`,
      default: `./dist/${base}.js`,
    };
    if (JSON.stringify(exportsMap[subpath]) !== JSON.stringify(want))
      pj(`exports["${subpath}"] must be ${JSON.stringify(want)} (in that order: types before default)`);
  }
  if (exportsMap['./package.json'] !== './package.json')
    pj('exports["./package.json"] must be "./package.json", so tools can read the manifest');
  const published = Object.fromEntries(
    Object.entries(exportsMap).map(([key, value]) => [key, stripCondition(value)]),
  );
  if (JSON.stringify(pkg.publishConfig?.exports) !== JSON.stringify(published))
    pj(
      `publishConfig.exports must be "exports" without the ${SOURCE_CONDITION} condition, i.e. ${JSON.stringify(published)}: pnpm publishes it in place of "exports"`,
    );

  // copied files
  const canonical = canonicalFiles(root);
  for (const file of [...COPIED_FILES, 'LICENSE']) {
    const path = join(pluginDir, file);
    if (existsSync(path) && readFileSync(path, 'utf8') !== canonical.get(file))
      problem(
        'copied files',
        `${at(file)} differs from ${file === 'LICENSE' ? 'the root LICENSE' : `the copy in ADD-BACKEND.md`}: copy it as it is and never edit it`,
      );
  }

  const vitestConfig = join(pluginDir, 'vitest.config.ts');
  if (!existsSync(vitestConfig))
    problem('copied files', `${at('vitest.config.ts')} is missing: copy it from ADD-BACKEND.md`);
  else if (!readFileSync(vitestConfig, 'utf8').includes("from '../../vitest.shared.js'"))
    problem(
      'copied files',
      `${at('vitest.config.ts')} must build on sharedTestConfig from '../../vitest.shared.js' (it writes VERSION in and reads sibling packages from source)`,
    );

  // src/index.ts
  if (existsSync(src('index.ts'))) {
    const index = parse(src('index.ts'));
    for (const statement of index.statements) {
      const reexport = ts.isExportDeclaration(statement) && statement.moduleSpecifier !== undefined;
      if (!reexport)
        problem(
          'src/index.ts',
          `${at('src/index.ts')}:${lineOf(index, statement)}: only re-exports (export { x } from './y.js') belong here; move this code into its own module and re-export it`,
        );
    }
  }

  // src/name.ts and src/plugin.ts
  if (existsSync(src('name.ts'))) {
    const text = readFileSync(src('name.ts'), 'utf8');
    if (!new RegExp(`^export const BACKEND_NAME = '${name}';$`, 'm').test(text))
      problem(
        'src/name.ts and src/plugin.ts',
        `${at('src/name.ts')} must export const BACKEND_NAME = '${name}';`,
      );
  }
  if (existsSync(src('plugin.ts'))) {
    const text = readFileSync(src('plugin.ts'), 'utf8');
    if (!/^\s*name: BACKEND_NAME,$/m.test(text))
      problem(
        'src/name.ts and src/plugin.ts',
        `${at('src/plugin.ts')}: the plugin object must say name: BACKEND_NAME (imported from './name.js')`,
      );
    if (!/^\s*version: VERSION,$/m.test(text))
      problem(
        'src/name.ts and src/plugin.ts',
        `${at('src/plugin.ts')}: the plugin object must say version: VERSION (imported from './version.js')`,
      );
  }
  const files = sourceFiles(join(pluginDir, 'src'));
  for (const file of files) {
    if (file === src('index.ts')) continue;
    for (const { specifier, line } of importsOf(file))
      if (specifier.startsWith('.') && resolveRelative(file, specifier) === src('plugin.ts'))
        problem(
          'src/name.ts and src/plugin.ts',
          `${relative(root, file)}:${line} imports src/plugin.ts: only src/index.ts may; take the plugin object as a parameter of create<Name>Backend and the name from './name.js'`,
        );
  }

  // src/<name>-backend.ts
  const backendFile = src(`${name}-backend.ts`);
  if (existsSync(backendFile)) {
    const source = parse(backendFile);
    const factory = source.statements.find(
      (statement): statement is ts.FunctionDeclaration =>
        ts.isFunctionDeclaration(statement) &&
        statement.name !== undefined &&
        isFactoryName(statement.name.text, name) &&
        (statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) ?? false),
    );
    const where = `${at(`src/${name}-backend.ts`)}`;
    if (factory === undefined) {
      problem(
        'src/<name>-backend.ts',
        `${where} must export function create<Name>Backend(context, plugin, ...) (e.g. create${name.replace(/-/g, '')}Backend, any capitalisation)`,
      );
    } else {
      const [context, plugin] = factory.parameters;
      const typeText = (p: ts.ParameterDeclaration | undefined): string => p?.type?.getText(source) ?? '';
      if (context?.name.getText(source) !== 'context' || !typeText(context).includes('Context'))
        problem(
          'src/<name>-backend.ts',
          `${where}:${lineOf(source, factory)}: the first parameter of ${factory.name!.text} must be context: BackendContext (or a Pick of it)`,
        );
      if (plugin?.name.getText(source) !== 'plugin' || typeText(plugin) !== 'BackendPlugin')
        problem(
          'src/<name>-backend.ts',
          `${where}:${lineOf(source, factory)}: the second parameter of ${factory.name!.text} must be plugin: BackendPlugin`,
        );
    }
  }

  // imports
  const declared = new Set([
    ...Object.keys(pkg.dependencies ?? {}),
    ...Object.keys(pkg.peerDependencies ?? {}),
  ]);
  const builtins = new Set(builtinModules);
  // What only the offline fake needs must not be installed with the plugin: optional peers.
  const fakeOnly = new Map<string, string>();
  const outsideFake = new Set<string>();
  for (const file of files) {
    const inTesting = file.startsWith(src('testing') + sep);
    for (const { specifier, line } of importsOf(file)) {
      const here = `${relative(root, file)}:${line}`;
      if (specifier.startsWith('.')) {
        const target = resolveRelative(file, specifier);
        if (!target.startsWith(pluginDir + sep))
          problem(
            'imports',
            `${here} imports ${specifier}, outside the plugin: import the package by its name (e.g. @agentkernel/core) instead`,
          );
        else if (!inTesting && target.startsWith(src('testing') + sep))
          problem(
            'imports',
            `${here} imports the offline fake (${specifier}): only tests and src/testing/ may`,
          );
        continue;
      }
      if (specifier.startsWith('node:')) continue;
      if (builtins.has(specifier)) {
        problem('imports', `${here} imports "${specifier}": write "node:${specifier}"`);
        continue;
      }
      const dependency = packageOf(specifier);
      if (inTesting) {
        if (!fakeOnly.has(dependency)) fakeOnly.set(dependency, here);
      } else outsideFake.add(dependency);
      if (!declared.has(dependency)) {
        problem(
          'imports',
          `${here} imports ${dependency}, which package.json does not declare in dependencies or peerDependencies`,
        );
        continue;
      }
    }
  }
  for (const [dependency, here] of fakeOnly) {
    if (outsideFake.has(dependency) || !declared.has(dependency)) continue;
    if (pkg.peerDependencies?.[dependency] === undefined || pkg.dependencies?.[dependency] !== undefined)
      problem(
        'imports',
        `${here} imports ${dependency}, which only the offline fake (src/testing/) uses: declare it in peerDependencies, not dependencies, so installing the plugin does not install it`,
      );
    else if (pkg.peerDependenciesMeta?.[dependency]?.optional !== true)
      problem(
        'imports',
        `${at('package.json')}: peerDependenciesMeta["${dependency}"] must be { "optional": true }: only the offline fake (${here}) uses it`,
      );
  }

  // The vendor SDK is what plugin.ts imports lazily (through importVendor): pinned exactly.
  if (existsSync(src('plugin.ts'))) {
    const lazy = importsOf(src('plugin.ts')).filter(
      ({ specifier }) => !specifier.startsWith('.') && !specifier.startsWith('node:'),
    );
    for (const { specifier } of lazy) {
      const dependency = packageOf(specifier);
      const version = pkg.dependencies?.[dependency];
      if (dependency.startsWith('@agentkernel/') || version === undefined) continue;
      if (!EXACT_VERSION.test(version))
        problem(
          'imports',
          `${at('package.json')}: the vendor SDK ${dependency} must be pinned exactly, not ${JSON.stringify(version)}`,
        );
    }
  }

  // built module
  const built = join(pluginDir, 'dist', 'index.js');
  if (!existsSync(built)) {
    problem('built module', `${at('dist/index.js')} is missing: run pnpm build`);
  } else {
    try {
      const mod = (await import(pathToFileURL(built).href)) as Record<string, unknown>;
      assertBackendPlugin(mod.plugin, pkg.name ?? name);
      const plugin = mod.plugin;
      if (mod.default !== plugin)
        problem(
          'built module',
          `${at('src/index.ts')} must export the same plugin object as plugin and as default`,
        );
      if (plugin.name !== name)
        problem(
          'built module',
          `the plugin's name is ${JSON.stringify(plugin.name)}; it must be the folder's name, ${JSON.stringify(name)}`,
        );
      if (plugin.version !== pkg.version || mod.VERSION !== pkg.version)
        problem(
          'built module',
          `the built plugin's version is ${JSON.stringify(plugin.version)} and VERSION ${JSON.stringify(mod.VERSION)}, not package.json's ${JSON.stringify(pkg.version)}: build with scripts/build-package.mjs and take VERSION from './version.js'`,
        );
      if (mod.BACKEND_NAME !== name)
        problem('built module', `${at('src/index.ts')} must re-export BACKEND_NAME from './name.js'`);
      if ((plugin.status ?? 'ready') !== pkg.agentkernel?.status)
        problem(
          'built module',
          `the plugin's status is ${JSON.stringify(plugin.status)} but package.json's agentkernel.status is ${JSON.stringify(pkg.agentkernel?.status)}: make them agree`,
        );
      if (
        !Object.entries(mod).some(([key, value]) => isFactoryName(key, name) && typeof value === 'function')
      )
        problem(
          'built module',
          `${at('src/index.ts')} must re-export create<Name>Backend from './${name}-backend.js'`,
        );
    } catch (error) {
      problem('built module', `${at('dist/index.js')} does not load as a plugin: ${messageOf(error)}`);
    }
  }
  return report;
}

/** The plugin folders of the repository: every folder in plugins/ except those starting with `_` or `.`. */
export function pluginFolders(root: string): string[] {
  return readdirSync(join(root, 'plugins'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !/^[_.]/.test(entry.name))
    .map((entry) => join(root, 'plugins', entry.name));
}
