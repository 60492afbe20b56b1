// Rotating, masked log file and the diagnostics text: no phone number or token reaches disk or clipboard.
import { mkdtempSync, promises as fs, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { maskPhonesInText } from '../../../src-shared/domain/phone.js';
import { buildDiagnostics } from '../diagnostics/diagnostics.js';
import { createMainLogger } from './logger.js';
import { RotatingFileSink } from './rotating-file.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'turbo-log-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('RotatingFileSink + logger', () => {
  it('masks phone numbers and redacts tokens before writing', () => {
    const sink = new RotatingFileSink({ dir, maxBytes: 1_000_000, maxFiles: 3, mask: maskPhonesInText });
    const log = createMainLogger(sink);
    log.info({ refreshToken: 'secret-refresh-token-123' }, 'dialing +14155550123 for lead 7');
    const text = readFileSync(sink.path(0), 'utf8');
    expect(text).not.toContain('4155550123');
    expect(text).toContain('0123');
    expect(text).not.toContain('secret-refresh-token-123');
  });

  it('rotates by size, keeps at most maxFiles, and tails across files in order', () => {
    const sink = new RotatingFileSink({ dir, maxBytes: 100, maxFiles: 3, mask: (t) => t });
    for (let i = 0; i < 30; i++) sink.write(`line ${String(i).padStart(2, '0')} ${'x'.repeat(20)}\n`);
    expect(readdirSync(dir).sort()).toEqual(['main.1.log', 'main.2.log', 'main.log']);
    for (const f of readdirSync(dir)) expect(readFileSync(join(dir, f)).length).toBeLessThanOrEqual(100);
    const tail = sink.tail(5);
    expect(tail.map((l) => l.slice(0, 7))).toEqual(['line 25', 'line 26', 'line 27', 'line 28', 'line 29']);
    // A fresh sink (app restart) continues the current file's size accounting.
    const again = new RotatingFileSink({ dir, maxBytes: 100, maxFiles: 3, mask: (t) => t });
    again.write('after restart\n');
    expect(readFileSync(again.path(0), 'utf8').length).toBeLessThanOrEqual(100);
  });
});

describe('buildDiagnostics', () => {
  it('lists versions, channel, install type, shortcut conflicts and masked log lines', () => {
    const text = buildDiagnostics({
      appVersion: '1.3.0',
      versions: { electron: '41.7.1', chrome: '140', node: '22' },
      platform: 'win32',
      arch: 'x64',
      osRelease: '10.0.22631',
      channel: 'stable',
      channelSource: 'it-policy',
      installType: 'msi',
      updateState: { kind: 'managed-by-it', version: '1.3.0', channel: 'stable', newerMsiDue: '1.4.0' },
      credentialStorage: 'safe-storage',
      credentialNotes: ['keytar unavailable'],
      shortcuts: {
        supported: true,
        unsupportedReason: null,
        registered: [{ action: 'toggle-play', accelerator: 'CommandOrControl+Alt+Space' }],
        conflicts: [{ action: 'stop', accelerator: 'CommandOrControl+Alt+Backspace', suggestion: null }],
      },
      notes: ['snapshot corrupt (not JSON): moved to snapshot.corrupt-1.json'],
      logLines: ['{"msg":"called +44 20 7946 0958"}'],
      generatedAt: '2026-11-25T12:00:00.000Z',
      mask: maskPhonesInText,
    });
    expect(text).toContain(
      'install: msi  channel: stable (it-policy)  update: managed by IT (newer MSI due: 1.4.0)',
    );
    expect(text).toContain(
      'CONFLICT stop: CommandOrControl+Alt+Backspace held by another app; try (none free)',
    );
    expect(text).toContain('note: snapshot corrupt (not JSON)');
    expect(text).not.toContain('7946 0958');
  });
});
