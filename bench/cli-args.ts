// The benches' command-line flags: `--name value`, read the one way every bench script reads them, with a
// clear error for a value that is not a number rather than a NaN running through a measurement.

/** `--name <number>`, or `dflt` when the flag is absent; below `min` (default 0) or not a number throws. */
export function numberArg(name: string, dflt: number, min = 0): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return dflt;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v < min) throw new Error(`--${name} must be a number ≥ ${min}`);
  return v;
}

/** `--name <text>`, or null when the flag is absent. */
export function stringArg(name: string): string | null {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? null : (process.argv[i + 1] ?? null);
}
