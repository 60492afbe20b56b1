// The disposition breakdown as a small horizontal bar chart in plain SVG (no chart library: a few dozen
// bytes of markup beat 40 kB of dependency). Each bar has its count as text, so it reads without colour.
import type { StatsView } from '../../../src-shared/contracts/views';
import type { DispositionDef } from '../../../src-shared/domain/disposition';
import { DISPO_COLOR } from '../../lib/disposition-colors';

export function DispositionChart({
  stats,
  catalog,
}: {
  stats: StatsView;
  catalog: readonly DispositionDef[];
}) {
  const rows = catalog.map((d) => ({ code: d.code, label: d.label, n: stats.dispositions[d.code] }));
  const max = Math.max(1, ...rows.map((r) => r.n));
  const rowH = 20;
  const labelW = 150;
  const barW = 130;
  const width = labelW + barW + 40;
  const summary = rows.map((r) => `${r.label}: ${r.n}`).join(', ');
  return (
    <svg
      role="img"
      aria-label={`Dispositions: ${summary}`}
      viewBox={`0 0 ${width} ${rows.length * rowH}`}
      className="w-full max-w-full"
    >
      {rows.map((r, i) => {
        const w = Math.round((r.n / max) * barW);
        const y = i * rowH;
        return (
          <g key={r.code}>
            <text x={labelW - 8} y={y + 14} textAnchor="end" className="fill-slate-300" fontSize="12">
              {r.label}
            </text>
            <rect x={labelW} y={y + 4} width={barW} height={12} rx="2" className="fill-slate-800" />
            <rect x={labelW} y={y + 4} width={w} height={12} rx="2" fill={DISPO_COLOR[r.code]} />
            <text x={labelW + barW + 6} y={y + 14} className="fill-white" fontSize="12" fontWeight="600">
              {r.n}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
