/**
 * Watches a stream of bytes for any of a few secret values, across chunk boundaries: the tail of each
 * chunk that could start a match is kept for the next.
 */
export class SecretScanner {
  readonly #needles: Buffer[];
  readonly #keep: number;
  #tail: Buffer = Buffer.alloc(0);
  #found = false;

  constructor(secrets: readonly string[]) {
    this.#needles = secrets.filter((s) => s !== '').map((s) => Buffer.from(s, 'utf8'));
    this.#keep = Math.max(0, ...this.#needles.map((n) => n.length - 1));
  }

  get active(): boolean {
    return this.#needles.length > 0;
  }

  /** Whether a secret appeared in the bytes given so far. */
  get found(): boolean {
    return this.#found;
  }

  update(chunk: Buffer): void {
    if (this.#found || this.#needles.length === 0) return;
    const window = this.#tail.length > 0 ? Buffer.concat([this.#tail, chunk]) : chunk;
    if (this.#needles.some((needle) => window.includes(needle))) this.#found = true;
    this.#tail = window.subarray(Math.max(0, window.length - this.#keep));
  }
}

/** The credential reason shown for a file left out. */
export const HOLDS_SECRET = 'it holds a registered credential (an api key or token from the config)';
