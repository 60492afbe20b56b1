// Colors and formats as the API returns them: proto3 JSON omits zero components, floats come back at
// float32 precision, and a background set through the deprecated `backgroundColor` is also reported as
// `backgroundColorStyle.rgbColor` (and vice versa). effectiveFormat is the user format over the defaults.

export interface Rgb {
  red: number;
  green: number;
  blue: number;
  alpha?: number;
}

/** The shortest decimal that reads back as the same float32 (what Google's JSON shows). */
function float32(x: number): number {
  const f = Math.fround(x);
  for (let p = 1; p <= 9; p += 1) {
    const candidate = Number(f.toPrecision(p));
    if (Math.fround(candidate) === f) return candidate;
  }
  return f;
}

/** A color as Google serialises it: zero channels left out, float32 precision. */
export function outColor(c: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  if (c === null || typeof c !== 'object') return out;
  for (const k of ['red', 'green', 'blue', 'alpha'] as const) {
    const v = (c as Record<string, unknown>)[k];
    if (typeof v === 'number' && v !== 0) out[k] = float32(v);
  }
  return out;
}

/** The background a format shows: backgroundColorStyle.rgbColor wins over backgroundColor (api-facts B). */
export function effectiveBackground(format: Record<string, unknown> | undefined): Rgb | null {
  if (!format) return null;
  const style = format.backgroundColorStyle as Record<string, unknown> | undefined;
  const raw = (style?.rgbColor ?? format.backgroundColor) as Record<string, unknown> | undefined;
  if (!raw || typeof raw !== 'object') return null;
  const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
  const rgb: Rgb = { red: num(raw.red), green: num(raw.green), blue: num(raw.blue) };
  if (typeof raw.alpha === 'number') rgb.alpha = raw.alpha;
  return rgb;
}

/** userEnteredFormat as read back: both background fields present when either was set. */
export function outUserFormat(format: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = structuredClone(format);
  const bg = effectiveBackground(format);
  const style = format.backgroundColorStyle as Record<string, unknown> | undefined;
  if (bg) {
    out.backgroundColor = outColor(bg);
    out.backgroundColorStyle = { rgbColor: outColor(bg) };
  } else if (style?.themeColor) {
    out.backgroundColorStyle = { themeColor: style.themeColor };
  }
  return out;
}

const WHITE: Rgb = { red: 1, green: 1, blue: 1 };

const DEFAULT_EFFECTIVE: Readonly<Record<string, unknown>> = {
  padding: { top: 2, right: 3, bottom: 2, left: 3 },
  horizontalAlignment: 'LEFT',
  verticalAlignment: 'BOTTOM',
  wrapStrategy: 'OVERFLOW_CELL',
  textFormat: {
    foregroundColor: {},
    fontFamily: 'arial,sans,sans-serif',
    fontSize: 10,
    bold: false,
    italic: false,
    strikethrough: false,
    underline: false,
    foregroundColorStyle: { rgbColor: {} },
  },
  hyperlinkDisplayType: 'PLAIN_TEXT',
};

export function outEffectiveFormat(format: Record<string, unknown> | undefined): Record<string, unknown> {
  const bg = effectiveBackground(format) ?? WHITE;
  return {
    ...structuredClone(DEFAULT_EFFECTIVE),
    ...(format ? outUserFormat(format) : {}),
    backgroundColor: outColor(bg),
    backgroundColorStyle: { rgbColor: outColor(bg) },
  };
}
