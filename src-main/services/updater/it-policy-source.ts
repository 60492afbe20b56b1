// Reads the IT policy (schema in it-policy.ts) from where IT puts it: on Windows the registry value
// HKLM\SOFTWARE\Policies\TurboDialer\PolicyJson (set by GPO/Intune) wins over
// %ProgramData%\TurboDialer\policy.json; macOS and Linux read one file. A missing policy is normal; a
// broken one is logged and ignored.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type ItPolicy, parseItPolicy } from './it-policy.js';

export const REGISTRY_KEY = 'HKLM\\SOFTWARE\\Policies\\TurboDialer';
export const REGISTRY_VALUE = 'PolicyJson';

export function policyFilePath(
  platform: NodeJS.Platform,
  env: Readonly<Record<string, string | undefined>>,
): string {
  switch (platform) {
    case 'win32':
      return join(env.ProgramData ?? 'C:\\ProgramData', 'TurboDialer', 'policy.json');
    case 'darwin':
      return '/Library/Application Support/TurboDialer/policy.json';
    default:
      return '/etc/turbo-dialer/policy.json';
  }
}

/** Parses `reg query` output: "    PolicyJson    REG_SZ    {...}". */
export function parseRegQuery(stdout: string): string | null {
  const m = new RegExp(`^\\s*${REGISTRY_VALUE}\\s+REG_(?:EXPAND_)?SZ\\s+(.*)$`, 'm').exec(stdout);
  return m?.[1]?.trim() ?? null;
}

function readRegistry(): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(
      'reg',
      ['query', REGISTRY_KEY, '/v', REGISTRY_VALUE],
      { timeout: 5000, windowsHide: true },
      (err, stdout) => resolve(err ? null : parseRegQuery(stdout)),
    );
  });
}

export type PolicySource = { policy: ItPolicy | null; source: string | null; error: string | null };

export async function loadItPolicy(
  platform: NodeJS.Platform,
  env: Readonly<Record<string, string | undefined>>,
) {
  const sources: { name: string; read: () => Promise<string | null> }[] = [];
  if (platform === 'win32')
    sources.push({ name: `registry ${REGISTRY_KEY}\\${REGISTRY_VALUE}`, read: readRegistry });
  const file = policyFilePath(platform, env);
  sources.push({ name: file, read: () => readFile(file, 'utf8').catch(() => null) });
  for (const s of sources) {
    const text = await s.read();
    if (text === null) continue;
    const parsed = parseItPolicy(text);
    if (parsed.ok) return { policy: parsed.policy, source: s.name, error: null } satisfies PolicySource;
    return { policy: null, source: s.name, error: parsed.error } satisfies PolicySource;
  }
  return { policy: null, source: null, error: null } satisfies PolicySource;
}
