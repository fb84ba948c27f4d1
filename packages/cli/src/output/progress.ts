import type { OutputStream } from './io.js';

const BAR_WIDTH = 24;
const SHOW_AFTER_MS = 1000;

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** One line of the bar: `push  [#########---------------]  12 MiB / 40 MiB`. */
export function renderProgress(phase: string, done: number, total: number | undefined): string {
  if (total === undefined || total <= 0) return `${phase}  ${formatBytes(done)}`;
  const ratio = Math.min(1, done / total);
  const filled = Math.round(ratio * BAR_WIDTH);
  return `${phase}  [${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]  ${formatBytes(done)} / ${formatBytes(total)}`;
}

/**
 * A progress bar on a terminal's stderr that appears only once a transfer has lasted a second (short
 * transfers print nothing) and erases itself when done. On a pipe or file it never draws.
 */
export class ProgressBar {
  readonly #stream: OutputStream;
  readonly #enabled: boolean;
  readonly #started = Date.now();
  #drawn = false;

  constructor(stream: OutputStream, enabled: boolean) {
    this.#stream = stream;
    this.#enabled = enabled && stream.isTTY === true;
  }

  update(phase: string, done: number, total: number | undefined): void {
    if (!this.#enabled || Date.now() - this.#started < SHOW_AFTER_MS) return;
    this.#stream.write(`\r\u001b[2K${renderProgress(phase, done, total)}`);
    this.#drawn = true;
  }

  done(): void {
    if (this.#drawn) this.#stream.write('\r\u001b[2K');
    this.#drawn = false;
  }
}
