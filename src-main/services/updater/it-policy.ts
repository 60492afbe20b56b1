// The IT policy: a small JSON document IT deploys beside the app, which beats the agent's own settings.
// Where it is read from (first found wins; see docs/desktop.md):
//   Windows  HKLM\SOFTWARE\Policies\TurboDialer, REG_SZ value "PolicyJson" (GPO/Intune), then
//            %ProgramData%\TurboDialer\policy.json
//   macOS    /Library/Application Support/TurboDialer/policy.json (or an MDM profile writing that file)
//   Linux    /etc/turbo-dialer/policy.json
// This module is the schema and the pure parse; the reading lives in it-policy-source.ts.
import { z } from 'zod';
import { SemverSchema } from '../../../src-shared/contracts/versions.js';

export const UPDATE_CHANNELS = ['stable', 'beta'] as const;
export const UpdateChannelSchema = z.enum(UPDATE_CHANNELS);
export type UpdateChannel = z.infer<typeof UpdateChannelSchema>;

export const ItPolicySchema = z
  .object({
    /** Forces the update channel; the agent's own setting is ignored when set. */
    channel: UpdateChannelSchema.optional(),
    /** false: no self-update at all (IT pushes every version). */
    autoUpdate: z.boolean().optional(),
    /** Declares how the app was installed; "msi" makes the app defer every update to IT. */
    installType: z.enum(['msi', 'nsis', 'dmg', 'appimage', 'deb']).optional(),
    /** The MSI version IT is rolling out; the app shows "newer MSI due" while it runs an older one. */
    msiVersionDue: SemverSchema.optional(),
    /** Coordinator to load and to report to (an https URL; http only for localhost). */
    coordinatorUrl: z
      .string()
      .url()
      .refine((u) => /^https:\/\//.test(u) || /^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?(\/|$)/.test(u), {
        message: 'coordinatorUrl must be https (http only for localhost)',
      })
      .optional(),
    /** Minutes without input (and no call, no session running) before a downloaded update installs. */
    idleInstallMinutes: z
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .optional(),
  })
  .strict();
export type ItPolicy = z.infer<typeof ItPolicySchema>;

export type PolicyParse = { ok: true; policy: ItPolicy } | { ok: false; error: string };

/** Parses one policy document; a broken policy is reported and ignored, never fatal. */
export function parseItPolicy(text: string): PolicyParse {
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    return { ok: false, error: `policy is not JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
  const parsed = ItPolicySchema.safeParse(json);
  if (!parsed.success) {
    return {
      ok: false,
      error: `policy rejected: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`,
    };
  }
  return { ok: true, policy: parsed.data };
}
