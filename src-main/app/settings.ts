// The agent's own desktop settings (userData/settings.json): shortcut bindings and the update channel they
// chose. Schema-checked on read; a broken file is ignored (defaults) rather than blocking start-up. IT policy
// (it-policy.ts) overrides the channel.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { ShortcutActionSchema } from '../../src-shared/contracts/ipc.js';
import { writeFileAtomic } from '../services/snapshot/atomic-file.js';
import { UpdateChannelSchema } from '../services/updater/it-policy.js';

export const SettingsSchema = z.object({
  version: z.literal(1),
  shortcuts: z.partialRecord(ShortcutActionSchema, z.string().min(1).max(64)).optional(),
  updateChannel: UpdateChannelSchema.optional(),
});
export type Settings = z.infer<typeof SettingsSchema>;

const EMPTY: Settings = { version: 1 };

export function settingsPath(userData: string): string {
  return join(userData, 'settings.json');
}

export async function loadSettings(userData: string): Promise<{ settings: Settings; error: string | null }> {
  let text: string;
  try {
    text = await readFile(settingsPath(userData), 'utf8');
  } catch {
    return { settings: EMPTY, error: null };
  }
  try {
    const parsed = SettingsSchema.safeParse(JSON.parse(text));
    return parsed.success
      ? { settings: parsed.data, error: null }
      : { settings: EMPTY, error: 'settings.json does not match the schema; using defaults' };
  } catch {
    return { settings: EMPTY, error: 'settings.json is not JSON; using defaults' };
  }
}

export function saveSettings(userData: string, settings: Settings): Promise<void> {
  return writeFileAtomic(
    settingsPath(userData),
    `${JSON.stringify(SettingsSchema.parse(settings), null, 2)}\n`,
  );
}
