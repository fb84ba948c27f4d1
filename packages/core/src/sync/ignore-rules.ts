import type { Ignore } from 'ignore';

/**
 * Ignored everywhere unless a rule file re-includes them: version-control metadata, dependency folders
 * that are rebuilt inside the sandbox, macOS litter, and the temporary names a pull writes before its
 * atomic rename (so an interrupted pull never sends them back).
 */
export const BUILTIN_IGNORES: readonly string[] = [
  '.git',
  '.hg',
  '.svn',
  '.jj',
  'node_modules',
  '.DS_Store',
  '.agentkernel-tmp-*',
];

/** Rule files read in every folder, in precedence order (a later file can re-include with `!`). */
export const IGNORE_FILES: readonly string[] = ['.gitignore', '.agentkernelignore'];

/** The prefix of a pull's temporary files (matched by {@link BUILTIN_IGNORES}). */
export const TEMP_PREFIX = '.agentkernel-tmp-';

type IgnoreFactory = () => Ignore;

/** A literal name a sandbox listing may skip wholesale (`dirOnly`: only folders of that name). */
export interface PruneName {
  name: string;
  dirOnly: boolean;
}
let factory: IgnoreFactory | undefined;

/** Loads the `ignore` package once (lazily: it is not needed to start the CLI). */
export async function loadIgnoreFactory(): Promise<IgnoreFactory> {
  factory ??= (await import('ignore')).default as unknown as IgnoreFactory;
  return factory;
}

const GLOB_CHARS = /[*?[\]\\]/;

/**
 * `.gitignore` semantics across nested folders: the rule files of a folder apply to its subtree, deeper
 * files override shallower ones, and nothing inside an ignored folder can be re-included (as in git).
 * Built-ins are the root's lowest-precedence rules.
 */
export class IgnoreRules {
  readonly #create: IgnoreFactory;
  /** Folder (relative, '' for the root) to its rule files' contents, by file name. */
  readonly #sources = new Map<string, Map<string, string>>();
  readonly #matchers = new Map<string, Ignore>();
  readonly #dirCache = new Map<string, boolean>();

  constructor(create: IgnoreFactory) {
    this.#create = create;
  }

  /** Adds the content of a rule file found in folder `dir` ('' for the root). */
  addFile(dir: string, fileName: string, content: string): void {
    let files = this.#sources.get(dir);
    if (!files) this.#sources.set(dir, (files = new Map<string, string>()));
    files.set(fileName, content);
    this.#matchers.delete(dir);
    this.#dirCache.clear();
  }

  /** Every rule file added, as `dir\0name\0content` keys (to compare two sides' rules). */
  fileKeys(): Set<string> {
    const keys = new Set<string>();
    for (const [dir, files] of this.#sources)
      for (const [name, content] of files) keys.add(`${dir}\0${name}\0${content}`);
    return keys;
  }

  /** Whether `path` (relative, POSIX) is ignored; `isDir` selects rules written with a trailing `/`. */
  ignores(path: string, isDir: boolean): boolean {
    const slash = path.lastIndexOf('/');
    if (slash > 0 && this.#dirIgnored(path.slice(0, slash))) return true;
    return this.#matchSelf(path, isDir);
  }

  /**
   * Literal folder names that every sandbox listing may skip wholesale (`find -prune`): root-level or
   * built-in rules naming a bare name, which no negated rule anywhere could re-include. Anything else
   * is filtered after listing, so pruning is only ever an optimisation.
   */
  pruneNames(): PruneName[] {
    const negations: RegExp[] = [];
    for (const files of this.#sources.values()) {
      for (const content of files.values()) {
        for (const line of ruleLines(content)) {
          if (line.startsWith('!')) negations.push(lastSegmentRegExp(line.slice(1)));
        }
      }
    }
    const names = new Map<string, boolean>();
    const root = [...BUILTIN_IGNORES, ...[...(this.#sources.get('')?.values() ?? [])].flatMap(ruleLines)];
    for (const line of root) {
      const dirOnly = line.endsWith('/');
      const name = dirOnly ? line.slice(0, -1) : line;
      if (
        !name ||
        name.includes('/') ||
        name.startsWith('!') ||
        name.startsWith('#') ||
        GLOB_CHARS.test(name)
      )
        continue;
      if (name === '.' || name === '..' || negations.some((re) => re.test(name))) continue;
      names.set(name, (names.get(name) ?? true) && dirOnly);
    }
    return [...names].map(([name, dirOnly]) => ({ name, dirOnly }));
  }

  #dirIgnored(dir: string): boolean {
    const cached = this.#dirCache.get(dir);
    if (cached !== undefined) return cached;
    const result = this.ignores(dir, true);
    this.#dirCache.set(dir, result);
    return result;
  }

  #matchSelf(path: string, isDir: boolean): boolean {
    let ignored = false;
    const candidates = ['', ...ancestors(path)];
    for (const dir of candidates) {
      const matcher = this.#matcher(dir);
      if (!matcher) continue;
      const relative = dir === '' ? path : path.slice(dir.length + 1);
      const result = this.#levelTest(dir, matcher, isDir ? `${relative}/` : relative);
      if (result.ignored) ignored = true;
      else if (result.unignored) ignored = false;
    }
    return ignored;
  }

  /**
   * One rule file level's verdict on the path itself. The `ignore` package also calls a path ignored
   * when one of its folders matches; the callers have already cleared every folder (a deeper rule file
   * may re-include one), so such a verdict is asked again with those folders re-included at the end.
   */
  #levelTest(dir: string, matcher: Ignore, relative: string): { ignored: boolean; unignored: boolean } {
    const result = matcher.test(relative);
    if (!result.ignored) return result;
    const folders = ancestors(relative.replace(/\/$/, ''));
    if (
      !folders.some((folder) => matcher.test(`${folder}/`).ignored) ||
      folders.some((f) => f.includes('\n'))
    )
      return result;
    return this.#rulesAt(dir)
      .add(folders.map((folder) => `!/${folder.replace(/[\\*?[\]]/g, '\\$&').replace(/ $/, '\\ ')}/`))
      .test(relative);
  }

  #matcher(dir: string): Ignore | undefined {
    const existing = this.#matchers.get(dir);
    if (existing) return existing;
    if (dir !== '' && !this.#sources.has(dir)) return undefined;
    const matcher = this.#rulesAt(dir);
    this.#matchers.set(dir, matcher);
    return matcher;
  }

  /** A fresh matcher with the rules of folder `dir` (the built-ins first at the root). */
  #rulesAt(dir: string): Ignore {
    const matcher = this.#create();
    if (dir === '') matcher.add([...BUILTIN_IGNORES]);
    for (const name of IGNORE_FILES) {
      const content = this.#sources.get(dir)?.get(name);
      if (content !== undefined) matcher.add(content);
    }
    return matcher;
  }
}

/** Proper ancestors of `path`, shallowest first: `a/b/c` gives `a`, `a/b`. */
function ancestors(path: string): string[] {
  const result: string[] = [];
  let index = path.indexOf('/');
  while (index > 0) {
    result.push(path.slice(0, index));
    index = path.indexOf('/', index + 1);
  }
  return result;
}

function ruleLines(content: string): string[] {
  return content
    .split(/\r?\n/)
    .map((line) => line.trimEnd())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** A conservative matcher for the last segment of a negated rule (any glob char may match anything). */
function lastSegmentRegExp(rule: string): RegExp {
  const segment = rule.replace(/\/+$/, '').split('/').pop() ?? '';
  const source = segment
    .split('')
    .map((char) =>
      char === '*'
        ? '.*'
        : char === '?'
          ? '.'
          : /[[\]\\]/.test(char)
            ? '.*'
            : char.replace(/[.+^${}()|]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${source}$`);
}

/** Creates rules with nothing but the built-ins (rule files are added as they are found). */
export async function createIgnoreRules(): Promise<IgnoreRules> {
  return new IgnoreRules(await loadIgnoreFactory());
}
