// Every agent of the supervisor's campaigns in one table (rows in the coordinator's order, by email, so a
// row never jumps while the supervisor reads it). Above 60 rows only the rows in or near the viewport are
// rendered (spacer rows keep the scroll height; aria-rowcount/rowindex keep the table's size for a screen
// reader): 500 agents re-render ~40 rows a second, not 500.
import { type RefObject, useCallback, useEffect, useRef, useState } from 'react';
import { AgentRow, ROW_HEIGHT } from './AgentRow';
import { useConsole, useConsoleController, useServerNow } from './context';
import { isStuck, shownRows } from './reducers';

const VIRTUAL_ABOVE = 60;
const OVERSCAN = 8;

/** [first, end) of the rows to render: all of them for a short table, the visible window otherwise. */
function useVisibleRange(
  count: number,
  bodyRef: RefObject<HTMLTableSectionElement | null>,
): [number, number] {
  const [range, setRange] = useState<[number, number]>([0, Math.min(count, VIRTUAL_ABOVE)]);
  useEffect(() => {
    if (count <= VIRTUAL_ABOVE) {
      setRange((r) => (r[0] === 0 && r[1] === count ? r : [0, count]));
      return;
    }
    const measure = () => {
      const top = bodyRef.current?.getBoundingClientRect().top ?? 0;
      const first = Math.max(0, Math.floor(-top / ROW_HEIGHT) - OVERSCAN);
      const end = Math.min(count, Math.ceil((window.innerHeight - top) / ROW_HEIGHT) + OVERSCAN);
      setRange((r) => (r[0] === first && r[1] === end ? r : [first, Math.max(first, end)]));
    };
    measure();
    window.addEventListener('scroll', measure, { passive: true });
    window.addEventListener('resize', measure);
    return () => {
      window.removeEventListener('scroll', measure);
      window.removeEventListener('resize', measure);
    };
  }, [count, bodyRef]);
  return range;
}

/** Stands in for the rows not rendered (keeps the scroll height); not part of the table for a reader. */
function Spacer({ height }: { height: number }) {
  return (
    <tr style={{ height }}>
      <td colSpan={COLUMNS.length} />
    </tr>
  );
}

/** Column headers and widths (a fixed layout: a changed cell never re-measures the whole table). */
const COLUMNS: readonly { name: string; width: string; right?: boolean }[] = [
  { name: 'Agent', width: '15%' },
  { name: 'Campaign · tab', width: '10%' },
  { name: 'State', width: '12%' },
  { name: 'In state', width: '5.5%' },
  { name: 'Calls', width: '4%', right: true },
  { name: 'Connects', width: '6%', right: true },
  { name: 'Contact', width: '5.5%', right: true },
  { name: 'Dispositions', width: '9%' },
  { name: 'Dials / h', width: '5.5%', right: true },
  { name: 'Talk', width: '5%', right: true },
  { name: 'Wrap-up', width: '5.5%', right: true },
  { name: 'Last activity', width: '7%' },
  // Both buttons, whatever the window's width.
  { name: 'Actions', width: '9.5rem' },
];

export function AgentTable() {
  const c = useConsoleController();
  const rows = useConsole((s) => s.live.view?.agents);
  const settings = useConsole((s) => s.settings);
  const now = Math.floor(useServerNow() / 1000) * 1000;
  const bodyRef = useRef<HTMLTableSectionElement | null>(null);
  const shown = rows ? shownRows(rows, settings, now) : [];
  const [first, end] = useVisibleRange(shown.length, bodyRef);
  const onAction = useCallback((action: 'PAUSED' | 'SIGNED_OUT', email: string) => c.ask(action, email), [c]);
  if (!rows) return null;
  const visible = shown.slice(first, end);
  return (
    <div className="overflow-x-auto rounded-xl border border-slate-800 [contain:content]">
      <table
        aria-label="Agents"
        aria-rowcount={shown.length + 1}
        className="w-full min-w-[1100px] table-fixed text-sm"
      >
        <colgroup>
          {COLUMNS.map((col) => (
            <col key={col.name} style={{ width: col.width }} />
          ))}
        </colgroup>
        <thead className="sticky top-0 bg-slate-900 text-xs text-slate-300">
          <tr aria-rowindex={1}>
            {COLUMNS.map((col) => (
              <th
                key={col.name}
                title={col.name}
                scope="col"
                className={`truncate px-2 py-2 font-semibold ${col.right ? 'text-right' : 'text-left'}`}
              >
                {col.name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody ref={bodyRef}>
          {first > 0 ? <Spacer height={first * ROW_HEIGHT} /> : null}
          {visible.map((r, i) => (
            <AgentRow
              key={r.email}
              row={r}
              rowIndex={first + i + 2}
              now={now}
              stuck={isStuck(r, now, settings.thresholds)}
              onAction={onAction}
            />
          ))}
          {end < shown.length ? <Spacer height={(shown.length - end) * ROW_HEIGHT} /> : null}
        </tbody>
      </table>
      {shown.length === 0 ? (
        <p className="px-3 py-4 text-slate-400">
          {rows.length === 0 ? 'No agents in your campaigns yet.' : 'No agent matches the filter.'}
        </p>
      ) : null}
    </div>
  );
}
