import { describe, expect, it } from 'vitest';
import { formatPhoneForDisplay, maskPhone, maskPhonesInText, normalizePhone } from './phone.js';

describe('normalizePhone', () => {
  it.each([
    ['(212) 555-0123', '+12125550123'],
    ['212.555.0123', '+12125550123'],
    ['212-555-0123', '+12125550123'],
    ['  212 555 0123  ', '+12125550123'],
    ['+1 212 555 0123', '+12125550123'],
    ['1-212-555-0123', '+12125550123'],
    ['tel:+1-212-555-0123', '+12125550123'],
    ['TEL:2125550123', '+12125550123'],
    ['+44 20 7946 0958', '+442079460958'],
  ])('reads %j as %s', (raw, e164) => {
    expect(normalizePhone(raw)).toEqual({ ok: true, e164 });
  });

  it.each([
    ['212 555 0123 x45', '45'],
    ['212-555-0123 ext. 7', '7'],
    ['(212) 555-0123 extension 12', '12'],
    ['+1 212 555 0123;ext=99', '99'],
    ['212 555 0123 #3', '3'],
  ])('strips the extension of %j and returns it beside the number', (raw, extension) => {
    expect(normalizePhone(raw)).toEqual({ ok: true, e164: '+12125550123', extension });
  });

  it('uses the default country for national numbers', () => {
    expect(normalizePhone('020 7946 0958', 'GB')).toEqual({ ok: true, e164: '+442079460958' });
    expect(normalizePhone('020 7946 0958').ok).toBe(false);
  });

  it.each([
    '',
    '   ',
    '555-0123',
    '12',
    'call me',
    '212 555 0123 or 212 555 0124',
    '+1 212 555 0123 4567 8901 23',
    'n/a',
  ])('rejects %j with a reason', (raw) => {
    const r = normalizePhone(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason.length).toBeGreaterThan(0);
  });
});

describe('maskPhone', () => {
  it('keeps the country code and the last four digits', () => {
    expect(maskPhone('+12125554567')).toBe('+1******4567');
    expect(maskPhone('+442079460958')).toBe('+44******0958');
  });
  it('normalises raw input before masking', () => {
    expect(maskPhone('(212) 555-4567')).toBe('+1******4567');
  });
  it('never shows more than the last four digits of something unparseable', () => {
    expect(maskPhone('555-0123-99')).toBe('*****2399');
    expect(maskPhone('+999 12345678')).toBe('+*******5678');
  });
});

describe('maskPhonesInText', () => {
  it('masks every phone-looking run and leaves the rest of the text alone', () => {
    const out = maskPhonesInText(
      'dial to (212) 555-4567 failed; retry +44 20 7946 0958 at 2026-11-25 14:03, call 42',
    );
    expect(out).toBe('dial to +1******4567 failed; retry +44******0958 at 2026-11-25 14:03, call 42');
  });
  it('masks invalid but phone-shaped numbers too', () => {
    expect(maskPhonesInText('number 555-0123-99 rejected')).toBe('number *****2399 rejected');
    expect(maskPhonesInText('to +12125554567.')).toBe('to +1******4567.');
  });
  it('leaves short numbers alone', () => {
    expect(maskPhonesInText('row 12, column M, 3 attempts, 180 min')).toBe(
      'row 12, column M, 3 attempts, 180 min',
    );
  });
});

describe('formatPhoneForDisplay', () => {
  it('shows home-country numbers in national format and others internationally', () => {
    expect(formatPhoneForDisplay('+12125554567')).toBe('(212) 555-4567');
    expect(formatPhoneForDisplay('+442079460958')).toBe('+44 20 7946 0958');
    expect(formatPhoneForDisplay('+442079460958', 'GB')).toBe('020 7946 0958');
  });
  it('returns unparseable input unchanged', () => {
    expect(formatPhoneForDisplay('n/a')).toBe('n/a');
  });
});
