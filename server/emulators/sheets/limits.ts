// What the real Sheets API (and the Google front end before it) refuses because of size, so tests of the
// coordinator's chunking and poison handling mean something: an over-long URL (414, the front end's HTML
// page, never reaching the API), an oversized body (413, likewise), too many ranges in one request (400
// INVALID_ARGUMENT) and a cell over 50,000 characters (400, Google's documented per-cell limit).
// Google documents only the per-cell limit and a *recommended* 2 MB payload; the URL, body and range-count
// figures are assumptions, listed as such in docs/emulators.md, and every one can be set per emulator.
import type { ServerResponse } from 'node:http';
import { GoogleApiError } from './errors.js';

export interface SheetsLimits {
  /** Longest request target (path + query) in bytes. Assumption: 8,192 (the usual front-end limit). */
  maxUrlBytes: number;
  /** Largest request body in bytes. Assumption: 10 MiB (Google recommends at most 2 MB). */
  maxBodyBytes: number;
  /** Most ranges / data entries / data filters / requests in one request. Assumption: 1,000. */
  maxRangesPerRequest: number;
}

export const DEFAULT_SHEETS_LIMITS: SheetsLimits = {
  maxUrlBytes: 8192,
  maxBodyBytes: 10 * 1024 * 1024,
  maxRangesPerRequest: 1000,
};

/** Google's documented limit on the characters of one cell. */
export const MAX_CELL_CHARS = 50_000;

/** Throws Google's 400 when one cell's text is longer than Google stores. */
export function checkCellText(value: unknown): void {
  if (typeof value === 'string' && value.length > MAX_CELL_CHARS) {
    throw new GoogleApiError(
      400,
      `Your input contains more than the maximum of ${MAX_CELL_CHARS} characters in a single cell.`,
    );
  }
}

/** Throws a 400 when one request carries more ranges than the emulator's (assumed) limit. */
export function checkRangeCount(count: number, limits: SheetsLimits, what: string): void {
  if (count > limits.maxRangesPerRequest) {
    throw new GoogleApiError(
      400,
      `Too many ${what} in one request: ${count} (at most ${limits.maxRangesPerRequest}).`,
    );
  }
}

/** The Google front end's own error pages (HTML, not the API's JSON), as a client sees them. */
function frontEndPage(code: number, title: string, text: string): string {
  return `<!DOCTYPE html>\n<html lang=en>\n<meta charset=utf-8>\n<title>Error ${code} (${title})!!1</title>\n<p><b>${code}.</b> <ins>That’s an error.</ins>\n<p>${text}  <ins>That’s all we know.</ins>\n`;
}

export function sendUriTooLong(res: ServerResponse): void {
  sendFrontEndError(res, 414, 'Request-URI Too Large', 'The requested URL is too large to process.');
}

export function sendBodyTooLarge(res: ServerResponse): void {
  sendFrontEndError(res, 413, 'Request Entity Too Large', 'Your client issued a request that was too large.');
}

function sendFrontEndError(res: ServerResponse, code: number, title: string, text: string): void {
  if (res.headersSent || res.destroyed) return;
  const body = frontEndPage(code, title, text);
  res.writeHead(code, {
    'content-type': 'text/html; charset=UTF-8',
    'content-length': Buffer.byteLength(body),
    connection: 'close',
  });
  res.end(body);
}
