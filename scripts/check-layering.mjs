#!/usr/bin/env node
// Enforces the import rule of DESIGN.md "Layout": src-shared is pure and imports nothing outside itself;
// server, src-main and src-renderer import only src-shared (the renderer may `import type` the preload API).
// The compiler configs enforce part of this (no Node types in src-shared, no Node in the renderer); this
// script catches what they cannot: a relative import that crosses into another room.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const rooms = ['src-shared', 'server', 'src-main', 'src-renderer'];
const allowedRooms = {
  'src-shared': ['src-shared'],
  server: ['server', 'src-shared'],
  'src-main': ['src-main', 'src-shared'],
  'src-renderer': ['src-renderer', 'src-shared'],
};
// Packages a pure module must never touch (I/O, clocks behind platform APIs, frameworks).
const sharedForbidden =
  /^(node:|fs$|path$|os$|crypto$|http$|https$|net$|electron|express|ioredis|ws$|react|pino|@googleapis|google-auth-library)/;
const rendererForbidden = /^(node:|fs$|path$|os$|child_process$|electron$|ioredis|express|pino|@googleapis)/;

const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (/\.(ts|tsx|mts)$/.test(name)) files.push(p);
  }
};
for (const r of rooms) {
  try {
    walk(join(root, r));
  } catch {
    // a room that does not exist yet has nothing to check
  }
}

const importRe =
  /(?:^|\n)\s*(import|export)\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
const problems = [];
for (const file of files) {
  const rel = relative(root, file);
  const room = rel.split(sep)[0];
  const isTest = /\.test\.tsx?$/.test(rel) || rel.includes(`${sep}test${sep}`);
  const src = readFileSync(file, 'utf8');
  for (const m of src.matchAll(importRe)) {
    const typeOnly = Boolean(m[2]);
    const spec = m[3] ?? m[4];
    if (!spec) continue;
    if (spec.startsWith('.')) {
      const target = relative(root, resolve(dirname(file), spec)).split(sep)[0];
      if (!rooms.includes(target)) continue;
      const ok =
        allowedRooms[room].includes(target) || (room === 'src-renderer' && target === 'src-main' && typeOnly);
      if (!ok)
        problems.push(`${rel}: imports ${spec} (${room} may import only ${allowedRooms[room].join(', ')})`);
    } else if (!isTest && room === 'src-shared' && sharedForbidden.test(spec)) {
      problems.push(`${rel}: imports '${spec}' (src-shared is pure: no I/O or platform packages)`);
    } else if (!isTest && room === 'src-renderer' && rendererForbidden.test(spec) && !typeOnly) {
      problems.push(
        `${rel}: imports '${spec}' (the renderer runs sandboxed: no Node, Electron or server packages)`,
      );
    }
  }
}
if (problems.length) {
  console.error(`Bad layering (see DESIGN.md "Layout"):\n${problems.map((p) => `  ${p}`).join('\n')}`);
  process.exit(1);
}
console.log(`layering ok: ${files.length} files checked`);
