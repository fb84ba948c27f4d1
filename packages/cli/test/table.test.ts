import { describe, expect, it } from 'vitest';
import { formatPairs, formatTable, visibleWidth } from '../src/output/table.js';

interface Row {
  name: string;
  size: number;
}
const columns = [
  { header: 'NAME', value: (r: Row) => r.name },
  { header: 'SIZE', value: (r: Row) => String(r.size), align: 'right' as const },
];

describe('formatTable', () => {
  it('aligns columns to the widest cell and right-aligns numbers', () => {
    const text = formatTable(
      [
        { name: 'demo', size: 5 },
        { name: 'a-much-longer-name', size: 12345 },
      ],
      columns,
    );
    expect(text).toBe(
      ['NAME                 SIZE', 'demo                    5', 'a-much-longer-name  12345', ''].join('\n'),
    );
  });

  it('prints the header alone for no rows', () => {
    expect(formatTable([], columns)).toBe('NAME  SIZE\n');
  });

  it('ignores colour codes when measuring', () => {
    const coloured = '\u001b[32mready\u001b[39m';
    expect(visibleWidth(coloured)).toBe(5);
    const text = formatTable(
      [
        { name: coloured, size: 1 },
        { name: 'stubby', size: 2 },
      ],
      columns,
    );
    const lines = text.split('\n');
    expect(lines[1]).toBe(`${coloured}      1`);
    expect(lines[2]).toBe('stubby     2');
  });

  it('trims trailing spaces of the last column', () => {
    const text = formatTable(
      [{ name: 'x', size: 1 }],
      [{ header: 'LONG HEADER', value: (r: Row) => r.name }],
    );
    expect(text).toBe('LONG HEADER\nx\n');
  });
});

describe('formatPairs', () => {
  it('pads keys to one width', () => {
    expect(
      formatPairs([
        ['name', 'demo'],
        ['backend', 'local'],
      ]),
    ).toBe('name:    demo\nbackend: local\n');
  });
});
