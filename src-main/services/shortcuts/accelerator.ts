// Accelerator syntax (Electron's "CommandOrControl+Alt+1" strings): parse, validate, normalise.
// A global shortcut must carry a real modifier so typing in the agent's CRM is never hijacked (DESIGN.md
// "Desktop specifics"); Shift alone does not count, since Shift+1 is how people type "!".
export const MODIFIERS = [
  'CommandOrControl',
  'CmdOrCtrl',
  'Command',
  'Cmd',
  'Control',
  'Ctrl',
  'Alt',
  'Option',
  'AltGr',
  'Shift',
  'Super',
  'Meta',
] as const;
type Modifier = (typeof MODIFIERS)[number];

/** Canonical spelling per modifier so "Ctrl+Alt+1" and "Control+Alt+1" compare equal. */
const CANONICAL: Record<Modifier, string> = {
  CommandOrControl: 'CommandOrControl',
  CmdOrCtrl: 'CommandOrControl',
  Command: 'Command',
  Cmd: 'Command',
  Control: 'Control',
  Ctrl: 'Control',
  Alt: 'Alt',
  Option: 'Alt',
  AltGr: 'AltGr',
  Shift: 'Shift',
  Super: 'Super',
  Meta: 'Super',
};
const MODIFIER_ORDER = ['CommandOrControl', 'Command', 'Control', 'Alt', 'AltGr', 'Shift', 'Super'];

const NAMED_KEYS = new Set([
  'Plus',
  'Space',
  'Tab',
  'Capslock',
  'Numlock',
  'Scrolllock',
  'Backspace',
  'Delete',
  'Insert',
  'Return',
  'Enter',
  'Up',
  'Down',
  'Left',
  'Right',
  'Home',
  'End',
  'PageUp',
  'PageDown',
  'Escape',
  'Esc',
  'VolumeUp',
  'VolumeDown',
  'VolumeMute',
  'MediaNextTrack',
  'MediaPreviousTrack',
  'MediaStop',
  'MediaPlayPause',
  'PrintScreen',
  'num0',
  'num1',
  'num2',
  'num3',
  'num4',
  'num5',
  'num6',
  'num7',
  'num8',
  'num9',
  'numdec',
  'numadd',
  'numsub',
  'nummult',
  'numdiv',
]);
const KEY_ALIASES: Record<string, string> = { Esc: 'Escape', Return: 'Enter' };
const SINGLE_CHAR_KEY = /^[A-Za-z0-9)!@#$%^&*(:;:+=<,_\-.>?/~`{\][|\\}'"]$/;
const FUNCTION_KEY = /^F([1-9]|1[0-9]|2[0-4])$/;

export type ParsedAccelerator =
  | { ok: true; modifiers: string[]; key: string; canonical: string }
  | { ok: false; reason: string };

const isModifier = (part: string): part is Modifier => (MODIFIERS as readonly string[]).includes(part);

export function parseAccelerator(input: string): ParsedAccelerator {
  const text = input.trim();
  if (text.length === 0) return { ok: false, reason: 'empty shortcut' };
  // "CommandOrControl++" would mean the plus key; Electron spells it "Plus", so we require that too.
  const parts = text.split('+');
  if (parts.some((p) => p.length === 0)) return { ok: false, reason: `"${input}": use "Plus" for the + key` };
  const keyPart = parts[parts.length - 1]!;
  const modifierParts = parts.slice(0, -1);
  const modifiers = new Set<string>();
  for (const m of modifierParts) {
    if (!isModifier(m)) return { ok: false, reason: `"${input}": unknown modifier "${m}"` };
    modifiers.add(CANONICAL[m]);
  }
  if (isModifier(keyPart))
    return { ok: false, reason: `"${input}": a shortcut needs a key after the modifiers` };
  const key = normaliseKey(keyPart);
  if (key === null) return { ok: false, reason: `"${input}": unknown key "${keyPart}"` };
  const strong = [...modifiers].filter((m) => m !== 'Shift');
  if (strong.length === 0 && !FUNCTION_KEY.test(key)) {
    return {
      ok: false,
      reason: `"${input}": a global shortcut needs Ctrl/Cmd, Alt or Super so typing elsewhere is not hijacked`,
    };
  }
  const ordered = MODIFIER_ORDER.filter((m) => modifiers.has(m));
  return { ok: true, modifiers: ordered, key, canonical: [...ordered, key].join('+') };
}

function normaliseKey(key: string): string | null {
  if (NAMED_KEYS.has(key)) return KEY_ALIASES[key] ?? key;
  if (FUNCTION_KEY.test(key)) return key;
  if (SINGLE_CHAR_KEY.test(key)) return key.length === 1 ? key.toUpperCase() : key;
  return null;
}

/** Canonical form, or the input unchanged when it does not parse (callers validate first). */
export function canonicalAccelerator(input: string): string {
  const parsed = parseAccelerator(input);
  return parsed.ok ? parsed.canonical : input;
}
