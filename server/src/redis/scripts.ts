// Reads every Lua script of server/src/redis/scripts/ and runs them by the SHA-1 of their expanded source
// (EVALSHA, with EVAL when Redis has not cached it yet: a restarted Redis, a new node), so a client never
// runs a script body older or newer than the code that calls it. Each script also has a versioned name,
// `<name>:<version>` (BullMQ's `loadCommands`), for logs and tests.
// The scripts are deliberately NOT ioredis `defineCommand`s: every autopipelined batch is a new ioredis
// Pipeline, whose constructor copies every defined command (two properties per script) onto itself; with
// ~25 scripts that was the largest ioredis cost per request (a pipeline per event-loop turn that sends
// anything), ~10 µs per batch in `bench/redis-client.ts`.
//
// Conventions (shared by every engineer who adds a script):
//   - one file per state transition, named `<name>-<numberOfKeys>.lua` (e.g. `ackPatches-2.lua`);
//   - a header comment documenting KEYS, ARGV and return values;
//   - shared Lua lives in `scripts/includes/<name>.lua` and is pulled in with a line
//       --- @include "<name>"
//     which is replaced by that file's content (once per script, even if included twice; includes may
//     include other includes; a cycle or a missing include is an error at load time).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RedisClient } from './client.js';

export const SCRIPTS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'scripts');

export interface ScriptDef {
  /** Base name, e.g. `ackPatches`. */
  readonly name: string;
  readonly numberOfKeys: number;
  /** Source with every include inlined. */
  readonly lua: string;
  /** `<name>:<version>`: the script's versioned name (logs, tests). */
  readonly commandName: string;
  /** SHA-1 of `lua`: what EVALSHA runs. */
  readonly sha: string;
}

const FILE_RE = /^([A-Za-z][A-Za-z0-9]*)-(\d+)\.lua$/;
const INCLUDE_RE = /^[ \t]*---[ \t]*@include[ \t]+["']([A-Za-z0-9_-]+)["'][ \t]*$/gm;

function expandIncludes(source: string, includesDir: string, seen: Set<string>, stack: string[]): string {
  return source.replace(INCLUDE_RE, (_line, includeName: string) => {
    if (stack.includes(includeName)) {
      throw new Error(`Lua include cycle: ${[...stack, includeName].join(' -> ')}`);
    }
    if (seen.has(includeName)) return `-- (include "${includeName}" already inlined)`;
    seen.add(includeName);
    let body: string;
    try {
      body = readFileSync(join(includesDir, `${includeName}.lua`), 'utf8');
    } catch {
      throw new Error(`Lua include "${includeName}" not found in ${includesDir}`);
    }
    return expandIncludes(body, includesDir, seen, [...stack, includeName]);
  });
}

const cache = new Map<string, ScriptDef[]>();

/** Reads and expands every `<name>-<numKeys>.lua` of `dir` (cached per directory). */
export function readScripts(dir: string = SCRIPTS_DIR): ScriptDef[] {
  const hit = cache.get(dir);
  if (hit) return hit;
  const includesDir = join(dir, 'includes');
  const defs: ScriptDef[] = [];
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith('.lua')) continue;
    const m = FILE_RE.exec(file);
    if (!m) throw new Error(`Lua script ${file} must be named <name>-<numberOfKeys>.lua`);
    const name = m[1] as string;
    if (defs.some((d) => d.name === name)) throw new Error(`Two Lua scripts are named ${name}`);
    const lua = expandIncludes(readFileSync(join(dir, file), 'utf8'), includesDir, new Set(), []);
    const sha = createHash('sha1').update(lua).digest('hex');
    defs.push({ name, numberOfKeys: Number(m[2]), lua, commandName: `${name}:${sha.slice(0, 12)}`, sha });
  }
  cache.set(dir, defs);
  return defs;
}

type ScriptArg = string | number | Buffer;

/** The scripts of one folder, runnable on one client by base name. */
export interface ScriptSet {
  /** Runs script `name` (base name) with its KEYS and ARGV. */
  run(name: string, keys: readonly string[], args: readonly ScriptArg[]): Promise<unknown>;
  /** The versioned name, `<name>:<version>`. */
  commandName(name: string): string;
}

const loaded = new WeakMap<RedisClient, ScriptSet>();

const isNoScript = (e: unknown): boolean => e instanceof Error && e.message.startsWith('NOSCRIPT');

/** A runner for every script of `dir` on `redis` (one per client for the default folder). */
export function loadScripts(redis: RedisClient, dir: string = SCRIPTS_DIR): ScriptSet {
  const existing = loaded.get(redis);
  if (existing && dir === SCRIPTS_DIR) return existing;
  const byName = new Map<string, ScriptDef>();
  for (const def of readScripts(dir)) byName.set(def.name, def);
  const lookup = (name: string): ScriptDef => {
    const def = byName.get(name);
    if (!def) throw new Error(`No Lua script named ${name} in ${dir}`);
    return def;
  };
  const set: ScriptSet = {
    async run(name, keys, args) {
      const def = lookup(name);
      if (keys.length !== def.numberOfKeys) {
        throw new Error(`Lua script ${name} takes ${def.numberOfKeys} keys, got ${keys.length}`);
      }
      try {
        return await redis.evalsha(def.sha, def.numberOfKeys, ...keys, ...args);
      } catch (e) {
        // Not in this Redis's script cache yet: EVAL runs it and caches it for the next EVALSHA.
        if (isNoScript(e)) return redis.eval(def.lua, def.numberOfKeys, ...keys, ...args);
        throw e;
      }
    },
    commandName: (name) => lookup(name).commandName,
  };
  if (dir === SCRIPTS_DIR) loaded.set(redis, set);
  return set;
}
