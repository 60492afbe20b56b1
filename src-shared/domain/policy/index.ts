// The policy engine's public surface: the incremental index, the naive scan reference, and the rules.
export { PolicyIndex } from './policy-index.js';
export { pickByScan, summarizeByScan } from './scan.js';
export {
  BLOCK_REASON_ORDER,
  type BlockReason,
  chooseNumber,
  comparePriority,
  leadReadyAt,
  leadZone,
  type StaticBlock,
  staticBlock,
} from './lead-rules.js';
export type { PolicyExplain, PolicyPick, PolicySummary, ReasonCount } from './types.js';
