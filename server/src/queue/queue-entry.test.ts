import { describe, expect, it } from 'vitest';
import { entryPatchValues, parseDone, parseQueueId, queueIdOf, streamRef } from './queue-entry.js';

describe('queue entry layout', () => {
  it('reads one patch (the layout every version writes) and a step of several, in order', () => {
    expect(entryPatchValues({ patch: '{"rowId":"r1"}', at: '5' })).toEqual([{ rowId: 'r1' }]);
    expect(entryPatchValues({ patches: '[{"rowId":"r1"},{"rowId":"r2"}]', at: '5' })).toEqual([
      { rowId: 'r1' },
      { rowId: 'r2' },
    ]);
  });

  it('has nothing to read in an entry of neither layout or with broken JSON', () => {
    expect(entryPatchValues({ at: '5' })).toBeNull();
    expect(entryPatchValues({ patch: '{not json' })).toBeNull();
    expect(entryPatchValues({ patches: '{"rowId":"r1"}' })).toBeNull();
  });

  it('names a patch of a several-patch entry by its part, a single-patch entry as before', () => {
    expect(queueIdOf(7, '12-3', null)).toBe('7/12-3');
    expect(queueIdOf(7, '12-3', 1)).toBe('7/12-3#1');
    expect(parseQueueId('7/12-3')).toEqual({ sheetId: 7, streamId: '12-3', part: null });
    expect(parseQueueId('7/12-3#1')).toEqual({ sheetId: 7, streamId: '12-3', part: 1 });
    for (const bad of ['garbage', '7/', '/12-3', 'x/12-3', '7/12-3#', '7/12-3#a', '-1/12-3'])
      expect(parseQueueId(bad)).toBeNull();
    expect(streamRef({ streamId: '12-3', part: null })).toBe('12-3');
    expect(streamRef({ streamId: '12-3', part: 0 })).toBe('12-3#0');
  });

  it('reads the done parts the scripts record', () => {
    expect([...parseDone('0,2')]).toEqual([0, 2]);
    expect(parseDone(null).size).toBe(0);
    expect(parseDone('').size).toBe(0);
  });
});
