// The generic Lua loader every engineer's scripts go through: naming, includes, versioned command names, and
// running by SHA on a real Redis whose script cache is empty (a restart) or was flushed.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { loadScripts, readScripts } from '../../src/redis/scripts.js';
import { startRedisServer } from '../../../test/support/redis-server.js';

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
      expect.arrayContaining(['enqueuePatches', 'ackPatches', 'quotaTake', 'deadLetterPatches']),
    );
  });

  it('runs a script by its SHA, falls back to EVAL when Redis has no copy, and checks the key count', async () => {
    const server = await startRedisServer({ appendOnly: false });
    const redis = new Redis(server.url, { enableAutoPipelining: true });
    try {
      const dir = scriptDir({ 'bump-1.lua': "return redis.call('INCRBY', KEYS[1], ARGV[1])" });
      const scripts = loadScripts(redis, dir);
      const [def] = readScripts(dir);
      // A fresh Redis has no copy: the first run is an EVAL, which also caches it.
      expect(await redis.script('EXISTS', def?.sha ?? '')).toEqual([0]);
      expect(await scripts.run('bump', ['n'], [2])).toBe(2);
      expect(await redis.script('EXISTS', def?.sha ?? '')).toEqual([1]);
      // Several in one autopipelined batch, then again after the cache is flushed (as after a restart).
      expect(await Promise.all([scripts.run('bump', ['n'], [1]), scripts.run('bump', ['n'], [1])])).toEqual([
        3, 4,
      ]);
      await redis.script('FLUSH');
      expect(await scripts.run('bump', ['n'], [10])).toBe(14);
      await expect(scripts.run('bump', [], [1])).rejects.toThrow(/takes 1 keys, got 0/);
      expect(scripts.commandName('bump')).toBe(def?.commandName);
    } finally {
      redis.disconnect();
      await server.stop();
    }
  });
});
