// The policy engine's public surface: the incremental index, the naive scan reference, and the rules.
export { type CallbackPlan, callbackPlan, compareCallbacks, planIsFor } from './callback-rules.js';
export { numberDialableNow } from './dialable.js';
export { type HeldCallback, PolicyIndex } from './policy-index.js';
export { pickByScan, summarizeByScan } from './scan.js';
export {
  BLOCK_REASON_ORDER,
  type BlockReason,
  chooseNumber,
  comparePriority,
  hasWindow,
  type LeadPlace,
  leadPlace,
  leadReadyAt,
  type StaticBlock,
  staticBlock,
} from './lead-rules.js';
export { placeInWindow, placeOpenFrom, regionRulesFor } from './window.js';
export type { PolicyExplain, PolicyPick, PolicySummary, ReasonCount } from './types.js';
