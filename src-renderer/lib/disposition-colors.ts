// One colour per disposition code for the charts of both pages (the agent's breakdown, the console's hourly
// bars): green for a correct person, rose for a wrong number, blues for voicemail, orange for no answer, and
// the sheet's SKIPPED purple for do-not-call. Both charts also give their counts as text.
import type { DispositionCode } from '../../src-shared/domain/disposition';

export const DISPO_COLOR: Record<DispositionCode, string> = {
  CORRECT: '#10b981',
  WRONG: '#f43f5e',
  VM_SAME_NAME: '#0ea5e9',
  VM_OR_NA_UNKNOWN: '#38bdf8',
  NO_ANSWER: '#fb923c',
  DO_NOT_CALL: '#8E7CC3',
};
