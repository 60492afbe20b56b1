// The emulators' logger: pino JSON like the coordinator. Silent unless a level is asked for, so test output
// stays readable; the standalone commands pass EMULATOR_LOG_LEVEL (default info).
import { type Logger, pino } from 'pino';

export type { Logger };

export function createEmulatorLogger(
  name: string,
  level: string = process.env.EMULATOR_LOG_LEVEL ?? 'silent',
): Logger {
  return pino({
    name,
    level,
    redact: { paths: ['*.secret', '*.authorization', 'secret'], censor: '[redacted]' },
  });
}
