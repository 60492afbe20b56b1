// Dispositions per hour over the day as a small stacked bar chart in plain SVG (no chart library): one bar
// per hour since the day started, stacked by disposition code, the total above each bar; the accessible
// name lists every hour's total, so it reads without the picture.
import type { HourBucket } from '../../../src-shared/contracts/supervisor';
import { DISPOSITION_CODES } from '../../../src-shared/domain/disposition';
import { formatClock } from '../../lib/format';
import { DISPO_COLOR } from '../../lib/disposition-colors';

const total = (b: HourBucket) => DISPOSITION_CODES.reduce((n, c) => n + (b.dispositions[c] ?? 0), 0);

export function HourlyChart({ buckets, title }: { buckets: readonly HourBucket[]; title: string }) {
  const shown = buckets.slice(-12);
  const totals = shown.map(total);
  const max = Math.max(1, ...totals);
  const barW = 18;
  const gap = 6;
  const h = 64;
  const width = Math.max(1, shown.length) * (barW + gap);
  if (totals.every((t) => t === 0)) return <p className="text-xs text-slate-400">{title} · none yet today</p>;
  const summary = shown.length
    ? shown.map((b, i) => `${formatClock(b.startAt)} ${totals[i]}`).join(', ')
    : 'no dispositions yet today';
  return (
    <figure className="m-0 min-w-24">
      <figcaption className="text-xs text-slate-400">{title}</figcaption>
      <svg
        role="img"
        aria-label={`${title}: ${summary}`}
        viewBox={`0 0 ${width} ${h + 28}`}
        className="mt-1 h-16 max-w-full"
      >
        {shown.map((b, i) => {
          const x = i * (barW + gap);
          let y = h + 12;
          return (
            <g key={b.startAt}>
              {DISPOSITION_CODES.map((c) => {
                const n = b.dispositions[c] ?? 0;
                if (n === 0) return null;
                const bh = (n / max) * h;
                y -= bh;
                return <rect key={c} x={x} y={y} width={barW} height={bh} fill={DISPO_COLOR[c]} />;
              })}
              <text x={x + barW / 2} y={y - 2} textAnchor="middle" fontSize="9" className="fill-white">
                {totals[i] || ''}
              </text>
              <text x={x + barW / 2} y={h + 24} textAnchor="middle" fontSize="8" className="fill-slate-400">
                {formatClock(b.startAt).slice(0, 2)}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
