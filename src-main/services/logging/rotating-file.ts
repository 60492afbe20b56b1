// A size-rotated log file: main.log, main.1.log … main.<maxFiles-1>.log. Every line passes through `mask`
// (phone numbers → +1******4567) before it touches the disk. Writes are synchronous appends: a crash loses
// at most the line being written, which is what a crash log is for.
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

export type RotatingFileOptions = Readonly<{
  dir: string;
  baseName?: string;
  maxBytes: number;
  maxFiles: number;
  mask: (text: string) => string;
}>;

export class RotatingFileSink {
  readonly #dir: string;
  readonly #base: string;
  readonly #maxBytes: number;
  readonly #maxFiles: number;
  readonly #mask: (text: string) => string;
  #size: number;

  constructor(options: RotatingFileOptions) {
    this.#dir = options.dir;
    this.#base = options.baseName ?? 'main';
    this.#maxBytes = options.maxBytes;
    this.#maxFiles = Math.max(1, options.maxFiles);
    this.#mask = options.mask;
    mkdirSync(this.#dir, { recursive: true });
    this.#size = existsSync(this.path(0)) ? statSync(this.path(0)).size : 0;
  }

  path(index: number): string {
    return join(this.#dir, index === 0 ? `${this.#base}.log` : `${this.#base}.${index}.log`);
  }

  /** pino destination interface: one or more complete lines. */
  write(chunk: string): boolean {
    const text = this.#mask(chunk);
    const bytes = Buffer.byteLength(text);
    if (this.#size > 0 && this.#size + bytes > this.#maxBytes) this.#rotate();
    appendFileSync(this.path(0), text, { mode: 0o600 });
    this.#size += bytes;
    return true;
  }

  /** The last `n` lines across the current and rotated files (for "copy diagnostics"). */
  tail(n: number): string[] {
    const lines: string[] = [];
    for (let i = 0; i < this.#maxFiles && lines.length < n; i++) {
      const p = this.path(i);
      if (!existsSync(p)) break;
      const fileLines = readFileSync(p, 'utf8').split('\n').filter(Boolean);
      lines.unshift(...fileLines.slice(Math.max(0, fileLines.length - (n - lines.length))));
    }
    return lines;
  }

  #rotate(): void {
    rmSync(this.path(this.#maxFiles - 1), { force: true });
    for (let i = this.#maxFiles - 2; i >= 0; i--) {
      if (existsSync(this.path(i))) renameSync(this.path(i), this.path(i + 1));
    }
    this.#size = 0;
  }
}
