// Option reading for the standalone emulator commands: `--name=value` arguments win over environment
// variables, which win over defaults. Kept tiny on purpose (node:util parseArgs would reject unknown flags
// that npm passes through).

export function cliOption(
  name: string,
  envName: string,
  argv: readonly string[] = process.argv.slice(2),
): string | undefined {
  const prefix = `--${name}=`;
  const arg = argv.find((a) => a.startsWith(prefix));
  if (arg !== undefined) return arg.slice(prefix.length);
  const env = process.env[envName];
  return env === undefined || env === '' ? undefined : env;
}

export function cliNumber(name: string, envName: string, fallback: number): number {
  const raw = cliOption(name, envName);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n)) throw new Error(`--${name} / ${envName} must be a number, got "${raw}"`);
  return n;
}

/** Stops the emulator cleanly on Ctrl-C / SIGTERM. */
export function closeOnSignals(close: () => Promise<void>): void {
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      void close().finally(() => process.exit(0));
    });
  }
}
