// Loads every Lua script of server/src/redis/scripts/ into an ioredis client under a versioned command
// name (BullMQ's `loadCommands`): `<name>:<version>`, where the version is a hash of the expanded source,
// so a client never runs a script body older or newer than the code that calls it.
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
  /** `<name>:<version>`: the name the command is defined under on the client. */
  readonly commandName: string;
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
    const version = createHash('sha1').update(lua).digest('hex').slice(0, 12);
    defs.push({ name, numberOfKeys: Number(m[2]), lua, commandName: `${name}:${version}` });
  }
  cache.set(dir, defs);
  return defs;
}

type ScriptArg = string | number | Buffer;
type ScriptFn = (...args: ScriptArg[]) => Promise<unknown>;

/** The scripts defined on one client, callable by base name. */
export interface ScriptSet {
  /** Runs script `name` (base name) with its KEYS and ARGV. */
  run(name: string, keys: readonly string[], args: readonly ScriptArg[]): Promise<unknown>;
  /** The versioned command name, e.g. for `redis.pipeline()[commandName](...)`. */
  commandName(name: string): string;
}

const loaded = new WeakMap<RedisClient, ScriptSet>();

/** Defines every script of `dir` on `redis` (idempotent per client) and returns a runner. */
export function loadScripts(redis: RedisClient, dir: string = SCRIPTS_DIR): ScriptSet {
  const existing = loaded.get(redis);
  if (existing && dir === SCRIPTS_DIR) return existing;
  const byName = new Map<string, ScriptDef>();
  for (const def of readScripts(dir)) {
    redis.defineCommand(def.commandName, { lua: def.lua, numberOfKeys: def.numberOfKeys });
    byName.set(def.name, def);
  }
  const lookup = (name: string): ScriptDef => {
    const def = byName.get(name);
    if (!def) throw new Error(`No Lua script named ${name} in ${dir}`);
    return def;
  };
  const set: ScriptSet = {
    run(name, keys, args) {
      const def = lookup(name);
      if (keys.length !== def.numberOfKeys) {
        throw new Error(`Lua script ${name} takes ${def.numberOfKeys} keys, got ${keys.length}`);
      }
      const fn = (redis as unknown as Record<string, ScriptFn>)[def.commandName];
      if (!fn) throw new Error(`Lua script ${def.commandName} is not defined on this client`);
      return fn.call(redis, ...keys, ...args);
    },
    commandName: (name) => lookup(name).commandName,
  };
  if (dir === SCRIPTS_DIR) loaded.set(redis, set);
  return set;
}
