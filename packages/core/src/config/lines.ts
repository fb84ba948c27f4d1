/**
 * The 1-based line of each table header and key of a TOML document, by dotted path (see
 * {@link formatKeyPath}). j-toml reports a line only for syntax errors; value errors found later look
 * their key up here.
 */
export type KeyLines = Record<string, number>;

const BARE_KEY = /^[A-Za-z0-9_-]+$/;

/** `remote.profiles."node.dev".image`: segments joined by dots, quoted when not bare keys. */
export function formatKeyPath(path: readonly string[]): string {
  return path.map((segment) => (BARE_KEY.test(segment) ? segment : JSON.stringify(segment))).join('.');
}

/** The line of `path`, or of its nearest ancestor that has one (an inline table's keys have none). */
export function lineOf(lines: KeyLines, path: readonly string[]): number | undefined {
  for (let length = path.length; length > 0; length--) {
    const line = lines[formatKeyPath(path.slice(0, length))];
    if (line !== undefined) return line;
  }
  return undefined;
}

/** Scans `source` line by line; only called on text j-toml accepted, so the scan can stay simple. */
export function indexKeyLines(source: string): KeyLines {
  const lines: KeyLines = {};
  const record = (path: readonly string[], line: number): void => {
    // Dotted keys define their parent tables implicitly; the first mention is the useful one.
    for (let length = 1; length <= path.length; length++)
      lines[formatKeyPath(path.slice(0, length))] ??= line;
  };
  let table: string[] = [];
  let openString: string | undefined;
  source.split(/\r?\n/).forEach((text, index) => {
    const line = index + 1;
    if (openString !== undefined) {
      if (countDelimiters(text, openString) % 2 === 1) openString = undefined;
      return;
    }
    const header = /^\s*\[\[?/.exec(text);
    if (header) {
      const parsed = parseKey(text, header[0].length);
      // A line of a multi-line array of arrays also starts with `[`, but is not followed by `]`.
      if (parsed && text[parsed.end] === ']') {
        table = parsed.path;
        record(table, line);
      }
      return;
    }
    const parsed = parseKey(text, 0);
    if (!parsed || text[parsed.end] !== '=') return;
    record([...table, ...parsed.path], line);
    const value = text.slice(parsed.end + 1);
    for (const delimiter of ['"""', "'''"]) {
      if (countDelimiters(value, delimiter) % 2 === 1) openString = delimiter;
    }
  });
  return lines;
}

function countDelimiters(text: string, delimiter: string): number {
  return text.split(delimiter).length - 1;
}

/** Reads a dotted key starting at `start`; `end` is the index of the first non-blank after it. */
function parseKey(text: string, start: number): { path: string[]; end: number } | undefined {
  const path: string[] = [];
  let i = skipBlanks(text, start);
  for (;;) {
    const segment = readSegment(text, i);
    if (!segment) return undefined;
    path.push(segment.value);
    i = skipBlanks(text, segment.end);
    if (text[i] !== '.') return { path, end: i };
    i = skipBlanks(text, i + 1);
  }
}

function readSegment(text: string, i: number): { value: string; end: number } | undefined {
  const quote = text[i];
  if (quote === "'") {
    const close = text.indexOf("'", i + 1);
    return close < 0 ? undefined : { value: text.slice(i + 1, close), end: close + 1 };
  }
  if (quote === '"') {
    let close = i + 1;
    while (close < text.length && text[close] !== '"') close += text[close] === '\\' ? 2 : 1;
    if (close >= text.length) return undefined;
    const literal = text.slice(i, close + 1);
    try {
      return { value: JSON.parse(literal) as string, end: close + 1 };
    } catch {
      return { value: literal.slice(1, -1), end: close + 1 };
    }
  }
  const bare = /^[A-Za-z0-9_-]+/.exec(text.slice(i));
  return bare ? { value: bare[0], end: i + bare[0].length } : undefined;
}

function skipBlanks(text: string, i: number): number {
  while (text[i] === ' ' || text[i] === '\t') i++;
  return i;
}
