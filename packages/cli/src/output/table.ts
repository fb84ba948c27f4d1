/** One column of a table: which field to show, its header, and how to align it. */
export interface Column<Row> {
  readonly header: string;
  readonly value: (row: Row) => string;
  readonly align?: 'left' | 'right';
}

// Width in terminal cells: ANSI colour codes take none. Wide characters are rare in our tables (names are
// ASCII by the sandbox-name rule), so counting code points is enough and keeps string-width off startup.
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
export function visibleWidth(text: string): number {
  return [...text.replace(ANSI, '')].length;
}

function pad(text: string, width: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, width - visibleWidth(text)));
  return align === 'right' ? fill + text : text + fill;
}

/**
 * Renders rows as aligned columns separated by two spaces, with a header line. `decorateHeader` styles
 * the header (bold on a colour terminal). Trailing spaces are trimmed so the output diffs cleanly.
 */
export function formatTable<Row>(
  rows: readonly Row[],
  columns: readonly Column<Row>[],
  decorateHeader: (text: string) => string = (text) => text,
): string {
  const cells = rows.map((row) => columns.map((column) => column.value(row)));
  const widths = columns.map((column, index) =>
    Math.max(visibleWidth(column.header), ...cells.map((line) => visibleWidth(line[index] ?? ''))),
  );
  const render = (line: readonly string[], decorate: (text: string) => string): string =>
    line
      .map((cell, index) => decorate(pad(cell, widths[index] ?? 0, columns[index]?.align ?? 'left')))
      .join('  ')
      .trimEnd();
  const header = render(
    columns.map((column) => column.header),
    decorateHeader,
  );
  return [header, ...cells.map((line) => render(line, (text) => text))].join('\n') + '\n';
}

/** Renders `key: value` pairs with the keys padded to one width, for `info` commands. */
export function formatPairs(
  pairs: readonly (readonly [string, string])[],
  decorateKey = (text: string) => text,
): string {
  const width = Math.max(0, ...pairs.map(([key]) => visibleWidth(key)));
  return (
    pairs
      .map(([key, value]) => `${decorateKey(pad(`${key}:`, width + 1, 'left'))} ${value}`.trimEnd())
      .join('\n') + '\n'
  );
}
