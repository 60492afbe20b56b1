// The keys, always in view at the bottom, so nobody has to remember them.
const KEYS: [string, string][] = [
  ['Space', 'Play / Pause'],
  ['1–6', 'Disposition'],
  ['B', 'Call back (in the disposition)'],
  ['Enter', 'Confirm'],
  ['Esc', 'Close'],
  ['H', 'Hang up'],
  ['C', 'Change last disposition'],
  ['D / S', 'Dial now / Skip preview'],
  ['Ctrl+Alt+key', 'Same, from anywhere'],
];

export function KeyLegend() {
  return (
    <footer className="flex flex-wrap gap-x-5 gap-y-1 text-sm text-slate-400">
      <h2 className="sr-only">Keyboard shortcuts</h2>
      {KEYS.map(([k, v]) => (
        <span key={k}>
          <kbd className="rounded border border-slate-600 bg-slate-800 px-1.5 py-0.5 font-mono text-xs text-slate-100">
            {k}
          </kbd>{' '}
          {v}
        </span>
      ))}
    </footer>
  );
}
