#!/usr/bin/env node
// The import rule (docs/architecture.md, "Layers and the import rule"), checked on the imports the TypeScript compiler itself
// resolved: `tsc --explainFiles --noCheck` for every target's config lists each file with the files that
// import it, so re-exports, `import type`, dynamic `import()` and path tricks are all seen as tsc sees them.
// Fails (exit 1) on:
//   - a file in a room importing another room it may not (src-shared imports only itself; server,
//     src-main and src-renderer import themselves and src-shared; tests may also use test/ helpers);
//   - a non-test file in src-shared or src-renderer importing a package outside its list;
//   - any import cycle between project files (type-only ones included).
// Node built-ins are the compilers' job: tsconfig.shared.json and tsconfig.web.json have no Node types.
// Usage: node scripts/check-layering.mjs [--root DIR] [--config tsconfig.x.json ...]
import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = join(repo, 'node_modules', 'typescript', 'bin', 'tsc');

/** Which rooms each room may import. Folders not listed here (e2e/, test/, bench/) may import anything. */
const ROOMS = {
  'src-shared': ['src-shared'],
  server: ['server', 'src-shared'],
  'src-main': ['src-main', 'src-shared'],
  'src-renderer': ['src-renderer', 'src-shared'],
};
/** Rooms any test file may also import: the shared test helpers. */
const TEST_ROOMS = ['test'];
/** npm packages a non-test file of these rooms may import (the pure domain; the sandboxed renderer). */
const PACKAGES = {
  'src-shared': ['zod', 'libphonenumber-js', 'semver'],
  'src-renderer': ['react', 'react-dom', 'zustand', 'zod', 'libphonenumber-js', 'vite'],
};
const DEFAULT_CONFIGS = [
  'tsconfig.shared.json',
  'tsconfig.server.json',
  'tsconfig.node.json',
  'tsconfig.web.json',
  'tsconfig.test.json',
];

function parseArgs(argv) {
  let root = repo;
  const configs = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--root') root = resolve(argv[++i]);
    else if (argv[i] === '--config') configs.push(argv[++i]);
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  return { root, configs: configs.length ? configs : DEFAULT_CONFIGS };
}

/** Every (importer → imported file) edge the compiler resolved for one config, as root-relative paths. */
function resolvedImports(root, config) {
  let out;
  try {
    out = execFileSync(process.execPath, [tsc, '-p', config, '--explainFiles', '--noEmit', '--noCheck'], {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
  } catch (err) {
    // tsc exits non-zero on configuration or syntax errors; those are the typecheck's to report, but the
    // explanation it printed is still complete for every file it could read.
    out = String(err.stdout ?? '');
    if (!out.includes('Imported via') && !out.includes('Matched by include')) throw err;
  }
  const edges = [];
  let file = null;
  for (const line of out.split('\n')) {
    if (line && !/^\s/.test(line)) {
      file = line.trim();
      continue;
    }
    const m = /^\s+Imported via (['"])(.*?)\1 from file '(.*?)'/.exec(line);
    if (m && file) edges.push({ from: m[3], to: file, spec: m[2] });
  }
  return edges;
}

const roomOf = (path) => path.split('/')[0];
const isTest = (path) => /\.test\.tsx?$/.test(path) || /(^|\/)(test|e2e)\//.test(path);
const packageOf = (path) => {
  const m = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path);
  if (!m) return null;
  const name = m[1];
  // @types/foo describes foo; @types/scope__name describes @scope/name.
  return name.startsWith('@types/') ? name.slice(7).replace(/^(.+)__(.+)$/, '@$1/$2') : name;
};

/** Strongly connected components with more than one file, or a file importing itself (Tarjan). */
function cycles(graph) {
  let index = 0;
  const idx = new Map();
  const low = new Map();
  const stack = [];
  const on = new Set();
  const found = [];
  const visit = (v) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const scc = [];
      let w;
      do {
        w = stack.pop();
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || graph.get(v)?.has(v)) found.push(scc.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!idx.has(v)) visit(v);
  return found;
}

export function checkImports({ root, configs }) {
  const problems = new Set();
  const graph = new Map();
  let files = 0;
  for (const config of configs) {
    for (const { from, to, spec } of resolvedImports(root, config)) {
      if (from.includes('node_modules/')) continue;
      const room = roomOf(from);
      const pkg = packageOf(to);
      if (pkg !== null) {
        const allowed = PACKAGES[room];
        if (allowed && !isTest(from) && !allowed.includes(pkg))
          problems.add(
            `${from}: imports '${spec}' (${room} may use only the packages ${allowed.join(', ')})`,
          );
        continue;
      }
      if (to.startsWith('..') || to.startsWith('/')) continue;
      if (!graph.has(from)) graph.set(from, new Set());
      graph.get(from).add(to);
      const target = roomOf(to);
      const allowed = ROOMS[room];
      if (!allowed || allowed.includes(target)) continue;
      if (isTest(from) && TEST_ROOMS.includes(target)) continue;
      problems.add(`${from}: imports '${spec}' → ${to} (${room} may import only ${allowed.join(', ')})`);
    }
  }
  for (const targets of graph.values()) files += targets.size > 0 ? 1 : 0;
  for (const scc of cycles(graph)) problems.add(`import cycle: ${scc.join(' ↔ ')}`);
  return { problems: [...problems], files };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { problems, files } = checkImports(parseArgs(process.argv.slice(2)));
  if (problems.length) {
    console.error(
      `Import rule broken (docs/architecture.md, "Layers and the import rule"):\n${problems.map((p) => `  ${p}`).join('\n')}`,
    );
    process.exit(1);
  }
  console.log(`imports ok: ${files} importing files, resolved by tsc, no cycles`);
}
