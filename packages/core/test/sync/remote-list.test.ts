import { describe, expect, it } from 'vitest';
import { parseListing } from '../../src/sync/remote-list.js';

// A listing as LIST_SCRIPT prints it: the clock, then one block of `stat -c '%f %s %Y %n'` lines, then
// symlink targets as `L` records.
function listing(statLines: string[], links: [string, string][] = []): Buffer {
  const parts = ['T\x00100\0', `S\0${statLines.join('\n')}\n\0`];
  for (const [path, target] of links) parts.push(`L\0${path}\0${target}\0`);
  return Buffer.from(parts.join(''));
}

const FIFO = '11a4 0 90';
const FILE = '81a4 5 90';
const LINK = 'a1ff 11 90';

// When the sandbox renames over a name while `find` reads its folder, the walk can meet the name twice,
// as two kinds. Seen in both the tree and the unsyncable list, a pull took the left-out local copy for a
// local change and stopped on a false conflict.
describe('a listing that met one path twice', () => {
  it('keeps the file seen last, and does not also call it unsyncable', () => {
    const parsed = parseListing(listing([`${FIFO} ./race`, `${FILE} ./race`]));
    expect(parsed.tree.get('race')?.kind).toBe('file');
    expect(parsed.unsyncable).toEqual([]);
  });

  it('keeps the fifo seen last as unsyncable only', () => {
    const parsed = parseListing(listing([`${FILE} ./race`, `${FIFO} ./race`]));
    expect(parsed.tree.has('race')).toBe(false);
    expect(parsed.unsyncable.map((entry) => [entry.path, entry.reason])).toEqual([['race', 'it is a fifo']]);
  });

  it('gives a symlink target only to a path seen last as a symlink', () => {
    const parsed = parseListing(listing([`${LINK} ./race`, `${FILE} ./race`], [['race', '/etc/passwd']]));
    expect(parsed.tree.get('race')).toEqual({ kind: 'file', mode: 0o644, size: 5, mtimeMs: 90_000 });
  });

  it('lists one unsyncable entry for a fifo met twice', () => {
    const parsed = parseListing(listing([`${FIFO} ./pipe`, `${FIFO} ./pipe`]));
    expect(parsed.unsyncable).toHaveLength(1);
  });
});
