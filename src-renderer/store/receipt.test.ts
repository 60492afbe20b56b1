// The receipt says what the sheet will show: the lead, the disposition's label, and the open sibling
// numbers a lead-finishing disposition skips.
import { describe, expect, it } from 'vitest';
import { DEFAULT_DISPOSITIONS, type DispositionCode } from '../../src-shared/domain/disposition';
import { callView, leadPreview } from '../test/fixtures';
import { buildReceipt, receiptText } from './receipt';

const def = (code: DispositionCode) => DEFAULT_DISPOSITIONS.find((d) => d.code === code)!;

describe('disposition receipt', () => {
  it('Correct person skips the other open numbers (the SKIPPED one is not counted again)', () => {
    // fixture lead: numbers 1 and 2 NEW, number 3 already SKIPPED; the call is on number 1.
    const r = buildReceipt('call-1', callView(), leadPreview('L1', 'Aisha Chen'), def('CORRECT'));
    expect(receiptText(r)).toBe('Aisha Chen → Correct person, 1 number skipped');
  });

  it('a number-level outcome skips nothing', () => {
    const r = buildReceipt('call-1', callView(), leadPreview('L1', 'Aisha Chen'), def('NO_ANSWER'));
    expect(receiptText(r)).toBe(`Aisha Chen → ${def('NO_ANSWER').label}`);
  });

  it('does not name a lead that is not the call’s', () => {
    const r = buildReceipt('call-1', callView({ leadRowId: 'L9' }), leadPreview('L1', 'Aisha'), def('WRONG'));
    expect(r.leadName).toBe('The lead');
  });
});
