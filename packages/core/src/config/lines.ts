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

type Delimiter = '"""' | "'''";

/** Scans `source` line by line, following strings so that a key-like line inside one is not a key. */
export function indexKeyLines(source: string): KeyLines {
  const lines: KeyLines = {};
  const record = (path: readonly string[], line: number): void => {
    // Dotted keys define their parent tables implicitly; the first mention is the useful one.
    for (let length = 1; length <= path.length; length++)
      lines[formatKeyPath(path.slice(0, length))] ??= line;
  };
  let table: string[] = [];
  let open: Delimiter | undefined;
  source.split(/\r?\n/).forEach((text, index) => {
    const line = index + 1;
    if (open !== undefined) {
      open = openStringAfter(text, open);
      return;
    }
    const header = /^\s*\[\[?/.exec(text);
    if (header) {
      const parsed = parseKey(text, header[0].length);
      // A line of a multi-line array of arrays also starts with `[`, but is not followed by `]`.
      if (parsed && text[parsed.end] === ']') {
        table = parsed.path;
        record(table, line);
        return;
      }
    }
    const parsed = parseKey(text, 0);
    if (parsed && text[parsed.end] === '=') {
      record([...table, ...parsed.path], line);
      open = openStringAfter(text.slice(parsed.end + 1), undefined);
    } else {
      // A line of a multi-line array: its strings may open a multi-line one too.
      open = openStringAfter(text, undefined);
    }
  });
  return lines;
}

/** The dotted key defined on `line` (the deepest one recorded there), if any. */
export function keyAtLine(lines: KeyLines, line: number): string | undefined {
  let found: string | undefined;
  for (const [key, at] of Object.entries(lines)) {
    if (at === line && (found === undefined || key.length > found.length)) found = key;
  }
  return found;
}

/**
 * Follows TOML strings along one line, starting inside the multi-line string `open` (if any), and
 * returns the multi-line string still open at its end. Basic strings honour escapes, literal strings do
 * not, and a `#` outside any string starts a comment.
 */
function openStringAfter(text: string, open: Delimiter | undefined): Delimiter | undefined {
  let state = open;
  let i = 0;
  while (i < text.length) {
    if (state !== undefined) {
      if (state === '"""' && text[i] === '\\') i += 2;
      else if (text.startsWith(state, i)) {
        i += 3;
        // Up to two quotes right before the closing delimiter belong to the string's content.
        for (let extra = 0; extra < 2 && text[i] === state[0]; extra++) i++;
        state = undefined;
      } else i++;
      continue;
    }
    const char = text[i];
    if (char === '#') return undefined;
    if (text.startsWith('"""', i) || text.startsWith("'''", i)) {
      state = text.slice(i, i + 3) as Delimiter;
      i += 3;
    } else if (char === '"') {
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      i++;
    } else if (char === "'") {
      const close = text.indexOf("'", i + 1);
      i = close < 0 ? text.length : close + 1;
    } else i++;
  }
  return state;
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
