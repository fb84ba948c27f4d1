import { visibleWidth } from './table.js';

/**
 * Stands in for the `string-width` package in the bundled CLI entry (see scripts/bundle.mjs). yargs and
 * cliui only measure our own help text, which is ASCII; the real package builds an `Intl.Segmenter` at
 * import, which costs tens of milliseconds of every cold start for nothing.
 */
export default function stringWidth(text: string): number {
  return visibleWidth(text);
}
