import { describe, expect, it } from 'vitest';
import { formatKeyPath, indexKeyLines, lineOf } from '../../src/config/lines.js';

describe('indexKeyLines', () => {
  it('records table headers, keys, dotted keys and quoted segments with their lines', () => {
    const source = [
      '# comment = 1', // 1
      'title = "x"', // 2
      '[remote]', // 3
      'e2b.api_key_env = "E2B_API_KEY"', // 4
      '[ remote . profiles . "node.dev" ]', // 5
      '  \'workspace_dir\' = "/w"', // 6
      '[[files]]', // 7
      'source = "a"', // 8
      '[[files]]', // 9
      'source = "b"', // 10
    ].join('\n');
    expect(indexKeyLines(source)).toEqual({
      title: 2,
      remote: 3,
      'remote.e2b': 4,
      'remote.e2b.api_key_env': 4,
      'remote.profiles': 5,
      'remote.profiles."node.dev"': 5,
      'remote.profiles."node.dev".workspace_dir': 6,
      files: 7,
      'files.source': 8,
    });
  });

  it('skips the inside of multi-line strings and arrays', () => {
    const source = [
      '[sandbox]', // 1
      'description = """', // 2
      'name = "not a key"', // 3
      '"""', // 4
      'ports = [', // 5
      '  [1, 2],', // 6
      '  "a = b",', // 7
      ']', // 8
      'name = "real"', // 9
      "notes = '''one line'''", // 10
      'runtime = "node"', // 11
    ].join('\r\n');
    const lines = indexKeyLines(source);
    expect(lines['sandbox.name']).toBe(9);
    expect(lines['sandbox.runtime']).toBe(11);
    expect(lines['1']).toBeUndefined();
    expect(lines['sandbox."a = b"']).toBeUndefined();
  });
});

describe('lineOf', () => {
  it('falls back to the nearest ancestor that has a line', () => {
    const lines = indexKeyLines('[remote.profiles.web]\nenv = { A = "1" }\n');
    expect(lineOf(lines, ['remote', 'profiles', 'web', 'env', 'A'])).toBe(2);
    expect(lineOf(lines, ['remote', 'profiles', 'web', 'image'])).toBe(1);
    expect(lineOf(lines, ['sandbox', 'name'])).toBeUndefined();
  });
});

describe('formatKeyPath', () => {
  it('quotes only segments that are not bare keys', () => {
    expect(formatKeyPath(['remote', 'profiles', 'node.dev', 'env', 'NODE_ENV'])).toBe(
      'remote.profiles."node.dev".env.NODE_ENV',
    );
    expect(formatKeyPath(['a b', 'é'])).toBe('"a b"."é"');
  });
});
