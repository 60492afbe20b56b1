// The import rule's checker fails on what it exists to catch: a room importing one it may not (also through
// a tsconfig `paths` alias and a re-export, which a text search cannot follow), a package outside a room's
// list, and an import cycle, even a type-only one. Each case is a small project the checker runs on.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const script = join(dirname(fileURLToPath(import.meta.url)), 'check-layering.mjs');
const dirs: string[] = [];

function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'layering-'));
  dirs.push(root);
  const base: Record<string, string> = {
    'package.json': '{"type":"module"}',
    'tsconfig.json': JSON.stringify({
      compilerOptions: {
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        noEmit: true,
        types: [],
        paths: { '#server/*': ['./server/*'] },
      },
      include: ['**/*.ts'],
    }),
    'src-shared/money.ts': 'export const cents = (n: number): number => Math.round(n * 100);\n',
    'server/price.ts': "import { cents } from '../src-shared/money.js';\nexport const price = cents(1.5);\n",
  };
  for (const [path, text] of Object.entries({ ...base, ...files })) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

function check(root: string) {
  const r = spawnSync(process.execPath, [script, '--root', root, '--config', 'tsconfig.json'], {
    encoding: 'utf8',
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('scripts/check-layering.mjs', () => {
  it('passes a project that keeps the rule', () => {
    const r = check(project({}));
    expect(r.out).toContain('imports ok');
    expect(r.code).toBe(0);
  });

  it('fails when src-shared imports the server, even through a paths alias and a re-export', () => {
    const r = check(
      project({
        'src-shared/reexport.ts': "export { price } from '#server/price.js';\n",
        'src-shared/uses.ts': "import { price } from './reexport.js';\nexport const p = price;\n",
      }),
    );
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/src-shared\/reexport\.ts: imports '#server\/price\.js' → server\/price\.ts/);
  });

  it('fails when the renderer imports a package outside its list', () => {
    const r = check(
      project({
        'node_modules/ioredis/package.json':
          '{"name":"ioredis","types":"index.d.ts","exports":{".":{"types":"./index.d.ts"}}}',
        'node_modules/ioredis/index.d.ts': 'export declare const Redis: unknown;\n',
        'src-renderer/view.ts': "import { Redis } from 'ioredis';\nexport const r = Redis;\n",
      }),
    );
    expect(r.code).toBe(1);
    expect(r.out).toContain("src-renderer/view.ts: imports 'ioredis'");
  });

  it('fails on an import cycle, even one made of type-only imports', () => {
    const r = check(
      project({
        'server/a.ts': "import type { B } from './b.js';\nexport type A = { b?: B };\n",
        'server/b.ts': "import type { A } from './a.js';\nexport type B = { a?: A };\n",
      }),
    );
    expect(r.code).toBe(1);
    expect(r.out).toContain('import cycle: server/a.ts ↔ server/b.ts');
  });
});
