import { readFileSync } from 'node:fs';

/** The CLI's version, read from its package.json (one small file, the same from src and dist). */
export function cliVersion(): string {
  const raw = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
  return (JSON.parse(raw) as { version: string }).version;
}
