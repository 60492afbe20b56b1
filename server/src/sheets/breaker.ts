// The one Google Sheets circuit breaker (reads and the flusher share it, /readyz and metrics observe it).
import { type BreakerOptions, createBreaker, type UpstreamBreaker } from '../resilience/breakers.js';
import { isSheetsFailure } from './google-errors.js';

export function createSheetsBreaker(opts?: BreakerOptions): UpstreamBreaker {
  return createBreaker('sheets', isSheetsFailure, opts);
}
