// The two promises of the logger, checked on the JSON it actually writes: phone numbers are masked in the
// message and in every field (nested too, child bindings, printf arguments), and secret-like fields are
// redacted.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { auditDisposition, createLogger, maskDeep, maskLine } from './logger.js';
import { callIdIn, tabTag } from './redis/keys.js';

function capture() {
  const lines: string[] = [];
  const log = createLogger({ level: 'info', destination: { write: (s: string) => lines.push(s) } });
  return { log, lines };
}

describe('logger', () => {
  it('masks phone numbers in the message and in nested fields', () => {
    const { log, lines } = capture();
    log.info(
      { lead: { numbers: ['+15551234567', '(555) 987-6543'] }, note: 'tel +442071838750' },
      'dialing +15551234567',
    );
    const text = lines.join('');
    expect(text).not.toContain('5551234567');
    expect(text).not.toContain('2071838750');
    expect(text).toContain('4567');
    const line = JSON.parse(lines[0] as string);
    expect(line.msg).toMatch(/\+1\*+4567/);
  });

  it('keeps call and request ids (UUIDs) whole in the audit line, and still masks a phone next to one', () => {
    const { log, lines } = capture();
    const callId = '648831a6-f83c-42a0-8c47-124403f3c647';
    const requestId = 'faf41444-70b3-4ef2-9dc7-46b040659791';
    auditDisposition(log, { agent: 'a@x.example', callId, code: 'WRONG', at: 0, requestId });
    log.info({ note: `${callId} +15551234567` }, `call ${callId} to +15551234567`);
    const audit = JSON.parse(lines[0] as string);
    expect(audit).toMatchObject({ callId, requestId });
    const text = lines.join('');
    expect(text).not.toContain('5551234567');
    expect(JSON.parse(lines[1] as string).msg).toMatch(new RegExp(`^call ${callId} to \\+1\\*+4567$`));
  });

  it('keeps call ids whole (tab code, session UUID, tail), and masks a phone written next to a UUID', () => {
    const session = 'faf41444-70b3-4ef2-9dc7-46b040659791';
    const callId = callIdIn(tabTag('sheet-1', 7), session, '1234567a-89b0-4c12-8d34-56789abcdef0');
    expect(callId).toMatch(/\.1234567a89b0$/);
    const { log, lines } = capture();
    auditDisposition(log, { agent: 'a@x.example', callId, code: 'WRONG', at: 0, requestId: session });
    log.info({ note: `5551234567.${session} ${session}.5551234567` }, `call ${callId}`);
    expect(JSON.parse(lines[0] as string)).toMatchObject({ callId });
    expect(JSON.parse(lines[1] as string).msg).toBe(`call ${callId}`);
    expect(lines[1]).not.toContain('5551234567');
    fc.assert(
      fc.property(fc.uuid(), fc.uuid(), fc.integer({ min: 0, max: 2000 }), (s, u, sheet) => {
        const id = callIdIn(tabTag('sheet-x', sheet), s, u);
        if (/^[^.]*\.[^.]*\.\d+$/.test(id)) return; // an all-digit tail: masked (1 in ~300)
        expect(maskLine(`${JSON.stringify({ callId: id })}\n`)).toBe(`${JSON.stringify({ callId: id })}\n`);
      }),
    );
  });

  it('masks what pino serializes apart from the fields: child bindings, printf arguments, field names, errors', () => {
    const { log, lines } = capture();
    const child = log.child({ reqId: '3125550112', ctx: { caller: '+13125550113' } });
    child.child({ agent: 'a@x.example' }).info({ '+13125550114': true }, 'dial %s then %o', '3125550115', {
      n: '312-555-0116',
    });
    child.error({ err: new Error('no route to +13125550117') }, 'failed');
    child.info({ deep: JSON.parse(`${'{"a":'.repeat(40)}"+13125550118"${'}'.repeat(40)}`) }, 'deep');
    const text = lines.join('');
    for (const n of ['5550112', '5550113', '5550114', '5550115', '5550116', '5550117', '5550118'])
      expect(text).not.toContain(n);
    expect(JSON.parse(lines[0] as string)).toMatchObject({ reqId: '+1******0112', agent: 'a@x.example' });
    expect(lines).toHaveLength(3);
    for (const l of lines) expect(() => JSON.parse(l)).not.toThrow();
  });

  it('redacts tokens, secrets and authorization headers', () => {
    const { log, lines } = capture();
    log.info(
      {
        req: { headers: { authorization: 'Bearer eyJhbGciOi.secret.part', cookie: 'sid=1' } },
        refreshToken: 'rt1.abc.def',
        body: { idToken: 'id-token-value', ticket: 'wst_abc' },
        config: { jwtSecret: 'super-secret-value' },
        err: { config: { headers: { Authorization: 'Bearer deep-in-an-error' } } },
      },
      'login',
    );
    const text = lines.join('');
    for (const secret of [
      'eyJhbGciOi',
      'sid=1',
      'rt1.abc.def',
      'id-token-value',
      'wst_abc',
      'super-secret-value',
      'deep-in-an-error',
    ])
      expect(text).not.toContain(secret);
    expect(text).toContain('[redacted]');
  });

  it('writes an audit line with who, what and when', () => {
    const { log, lines } = capture();
    auditDisposition(log, {
      agent: 'ann@example.com',
      callId: 'c1',
      code: 'CORRECT',
      at: Date.UTC(2026, 0, 2),
    });
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      audit: 'disposition',
      agent: 'ann@example.com',
      callId: 'c1',
      code: 'CORRECT',
      atIso: '2026-01-02T00:00:00.000Z',
    });
  });

  it('masks a line exactly as the full decode-mask-encode would, whatever its strings hold', () => {
    // Strings made of what the masker reacts to: digits and phone punctuation, UUIDs, dates, secret-like
    // names, escapes; the line is JSON as pino writes it (compact, one object).
    const piece = fc.constantFrom(
      '+15551234567',
      '555-123-4567',
      '(212) 555 0123',
      '2026-11-30T23:44:07.123Z',
      '648831a6-f83c-42a0-8c47-124403f3c647',
      '12345678-1234-1234-1234-123456789012',
      '123456',
      '1234567',
      'token',
      'Authorization',
      'a\nb',
      '\t',
      '"',
      'é',
      '-',
      ' ',
      '7',
    );
    const text = fc.array(piece, { maxLength: 5 }).map((p) => p.join(''));
    const value = fc.letrec<{ v: unknown }>((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        text,
        fc.integer(),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('v'), { maxLength: 3 }),
        fc.dictionary(text, tie('v'), { maxKeys: 4 }),
      ),
    })).v;
    fc.assert(
      fc.property(fc.dictionary(text, value, { maxKeys: 6 }), (record) => {
        const line = `${JSON.stringify(record)}\n`;
        const full = `${JSON.stringify(maskDeep(JSON.parse(line)))}\n`;
        expect(JSON.parse(maskLine(line))).toEqual(JSON.parse(full));
      }),
      { numRuns: 2000 },
    );
  });

  it('writes a line with nothing to mask as pino wrote it (the audit line: ids, times, an email)', () => {
    const line = `${JSON.stringify({
      level: 'info',
      time: '2026-11-30T23:44:07.123Z',
      reqId: 'faf41444-70b3-4ef2-9dc7-46b040659791',
      agent: 'ann@example.com',
      callId: '12345678-1234-1234-1234-123456789012',
      at: 1764546247123,
      msg: 'audit: disposition',
    })}\n`;
    expect(maskLine(line)).toBe(line);
    const deep = `${'{"a":'.repeat(40)}1${'}'.repeat(40)}\n`;
    expect(maskLine(deep)).toContain('[too deep]');
  });
});
