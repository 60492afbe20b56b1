// The main process logger: pino JSON lines into the rotating, phone-masked file (and stdout in dev).
// Secrets are redacted by key, so a refresh token passed in a log object never reaches the file.
import { pino } from 'pino';
import type { RotatingFileSink } from './rotating-file.js';

export type MainLogger = pino.Logger;

export const REDACT_PATHS = [
  'refreshToken',
  '*.refreshToken',
  'accessToken',
  '*.accessToken',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'headers.authorization',
];

export function createMainLogger(
  sink: RotatingFileSink,
  options: Readonly<{ level?: string; echo?: boolean }> = {},
) {
  const destination = {
    write(line: string) {
      sink.write(line);
      if (options.echo) process.stdout.write(line);
    },
  };
  return pino(
    {
      level: options.level ?? 'info',
      base: { app: 'turbo-dialer-desktop', pid: process.pid },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    },
    destination,
  );
}
