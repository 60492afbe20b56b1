// The policy engine's result shapes, shared by the index and the scan reference.
import type { Lead } from '../lead.js';
import type { BlockReason } from './lead-rules.js';

export type ReasonCount = { reason: BlockReason; leads: number };

export type PolicyPick =
  | { kind: 'pick'; lead: Lead; numberIndex: number }
  | { kind: 'none'; reason: 'NOT_PLAYING' }
  | { kind: 'none'; reason: 'NOTHING_DIALABLE'; reasons: ReasonCount[]; nextDialableAt: number | null };

export type PolicyExplain =
  | { dialable: true; numberIndex: number }
  | { dialable: false; reason: BlockReason | 'IN_PROGRESS' | 'CLAIMED' | 'NOT_PLAYING' };

export interface PolicySummary {
  /** Leads dialable now (ignoring the session state). */
  dialable: number;
  /** Leads not dialable, by reason (only reasons with leads, in BLOCK_REASON_ORDER). */
  reasons: ReasonCount[];
  /** Earliest moment something becomes dialable (now when something is); null when nothing ever will. */
  nextDialableAt: number | null;
  /** Open leads held by another session (lead claims). */
  claimed: number;
  /** Leads with a call on one of their numbers (IN_PROGRESS). */
  inProgress: number;
}
