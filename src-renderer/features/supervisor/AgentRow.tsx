// One agent's row: state (and how long), campaign and tab, figures of the session, last activity, and the
// two actions. Memoized: a diff that does not touch this agent does not re-render it (rows are compared
// by identity; the diff replaces only the rows that changed). Highlighted when stuck.
import { memo } from 'react';
import type { SupervisorAgentRow } from '../../../src-shared/contracts/supervisor';
import { DISPOSITION_CODES } from '../../../src-shared/domain/disposition';
import { DISPO_SHORT, dispoLabel, percent, STATE_LABEL, STATE_TONE, shortDuration } from './labels';

export const ROW_HEIGHT = 44;

interface Props {
  row: SupervisorAgentRow;
  /** 1-based row index in the table (header = 1), for aria-rowindex when the table is windowed. */
  rowIndex: number;
  /** Server clock, whole seconds (so the row re-renders once a second at most). */
  now: number;
  stuck: boolean;
  onAction: (action: 'PAUSED' | 'SIGNED_OUT', email: string) => void;
}

function Dispositions({ d }: { d: SupervisorAgentRow['dispositions'] }) {
  const parts = DISPOSITION_CODES.filter((c) => (d[c] ?? 0) > 0);
  const label = parts.length
    ? parts.map((c) => `${dispoLabel(c)} ${d[c]}`).join(', ')
    : 'No dispositions yet';
  return (
    <span title={label} className="whitespace-nowrap">
      <span className="sr-only">{label}</span>
      <span aria-hidden="true">
        {parts.length === 0 ? (
          <span className="text-slate-500">—</span>
        ) : (
          parts.map((c) => (
            <span key={c} className="mr-1.5">
              <span className="text-slate-400">{DISPO_SHORT[c]}</span> {d[c]}
            </span>
          ))
        )}
      </span>
    </span>
  );
}

function AgentRowView({ row, rowIndex, now, stuck, onAction }: Props) {
  const inState = shortDuration(now - row.since);
  const canPause = row.state !== 'PAUSED' && row.state !== 'NOT_STARTED';
  const cell = 'truncate px-2 tabular-nums';
  return (
    <tr
      aria-rowindex={rowIndex}
      data-agent={row.email}
      data-state={row.state}
      data-stuck={stuck || undefined}
      style={{ height: ROW_HEIGHT }}
      className={`border-b border-slate-800 ${stuck ? 'bg-amber-500/15 outline-2 -outline-offset-2 outline-amber-400' : 'hover:bg-slate-900'}`}
    >
      <th scope="row" className="truncate px-2 text-left font-medium text-white" title={row.email}>
        {row.email}
      </th>
      <td
        className="max-w-48 truncate px-2 text-slate-300"
        title={`${row.campaignName} · ${row.tabTitle ?? ''}`}
      >
        {row.campaignName}
        {row.tabTitle ? <span className="text-slate-500"> · {row.tabTitle}</span> : null}
      </td>
      <td className="truncate px-2">
        <span
          data-testid="agent-state"
          className={`inline-block rounded-full border px-2 py-0.5 text-xs font-semibold ${STATE_TONE[row.state]}`}
        >
          {STATE_LABEL[row.state]}
        </span>
        {stuck ? (
          <span className="ml-1 rounded bg-amber-400 px-1.5 py-0.5 text-xs font-bold text-slate-950">
            Stuck
          </span>
        ) : null}
        {row.lastAction && row.state === 'PAUSED' && row.lastAction.action === 'PAUSED' ? (
          <span
            className="ml-1 text-xs text-slate-400"
            title={`Paused by ${row.lastAction.by}${row.lastAction.reason ? `: ${row.lastAction.reason}` : ''}`}
          >
            by {row.lastAction.by.split('@')[0]}
          </span>
        ) : null}
      </td>
      <td className={`${cell} ${stuck ? 'font-bold text-amber-200' : 'text-slate-200'}`}>{inState}</td>
      <td className={`${cell} text-right`}>{row.calls}</td>
      <td className={`${cell} text-right`}>{row.connects}</td>
      <td className={`${cell} text-right`}>{percent(row.contactRate)}</td>
      <td className="truncate px-2 text-sm">
        <Dispositions d={row.dispositions} />
      </td>
      <td className={`${cell} text-right`}>
        {row.dialsPerHour === null ? '—' : row.dialsPerHour.toFixed(0)}
      </td>
      <td className={`${cell} text-right`}>{shortDuration(row.talkMs)}</td>
      <td className={`${cell} text-right`}>{shortDuration(row.wrapUpMs)}</td>
      <td className={`${cell} text-slate-300`}>
        {row.lastActivityAt === null ? '—' : `${shortDuration(now - row.lastActivityAt)} ago`}
      </td>
      <td className="truncate px-2">
        <button
          type="button"
          disabled={!canPause}
          aria-label={`Pause ${row.email}`}
          onClick={() => onAction('PAUSED', row.email)}
          className="mr-1 rounded-md border border-amber-500/60 px-1.5 py-0.5 text-xs text-amber-200 hover:bg-amber-500/10 disabled:opacity-40"
        >
          Pause
        </button>
        <button
          type="button"
          aria-label={`Sign out ${row.email}`}
          onClick={() => onAction('SIGNED_OUT', row.email)}
          className="rounded-md border border-slate-600 px-1.5 py-0.5 text-xs text-slate-300 hover:bg-slate-800"
        >
          Sign out
        </button>
      </td>
    </tr>
  );
}

export const AgentRow = memo(AgentRowView);
