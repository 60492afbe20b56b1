// The generic Lua loader every engineer's scripts go through: naming, includes, versioned command names.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readScripts } from '../../src/redis/scripts.js';

function scriptDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'td-lua-'));
  mkdirSync(join(dir, 'includes'));
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
  return dir;
}

describe('readScripts', () => {
  it('inlines includes once, recursively, and versions the command by its expanded source', () => {
    const dir = scriptDir({
      'includes/a.lua': '--- @include "b"\nlocal A = B + 1',
      'includes/b.lua': 'local B = 1',
      'useBoth-1.lua': '--- @include "a"\n--- @include "b"\nreturn A',
    });
    const [def] = readScripts(dir);
    expect(def?.name).toBe('useBoth');
    expect(def?.numberOfKeys).toBe(1);
    expect(def?.lua.match(/local B = 1/g)).toHaveLength(1);
    expect(def?.lua.indexOf('local B = 1')).toBeLessThan(def?.lua.indexOf('local A') ?? -1);
    expect(def?.commandName).toMatch(/^useBoth:[0-9a-f]{12}$/);
  });

  it('reports an include cycle, a missing include and a badly named file', () => {
    expect(() =>
      readScripts(
        scriptDir({
          'includes/x.lua': '--- @include "y"',
          'includes/y.lua': '--- @include "x"',
          's-0.lua': '--- @include "x"',
        }),
      ),
    ).toThrow(/cycle: x -> y -> x/);
    expect(() => readScripts(scriptDir({ 's-0.lua': '--- @include "nope"' }))).toThrow(/"nope" not found/);
    expect(() => readScripts(scriptDir({ 'noKeys.lua': 'return 1' }))).toThrow(/<name>-<numberOfKeys>\.lua/);
  });

  it('loads the real scripts folder', () => {
    const names = readScripts().map((d) => d.name);
    expect(names).toEqual(
      expect.arrayContaining(['enqueuePatch', 'ackPatches', 'quotaTake', 'deadLetterPatches']),
    );
  });
});
