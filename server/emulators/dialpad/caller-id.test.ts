// Local presence at the Dialpad emulator, through the coordinator's own gateway: outbound_caller_id must
// be one of the company's numbers (a user's, or a listed company number), as Dialpad enforces; the call
// then shows that number (internal_number), and the default is the user's own number.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../../src-shared/contracts/errors.js';
import { HttpDialpadGateway } from '../../src/dialpad/http-dialpad-gateway.js';
import { createEmulatorLogger } from '../common/log.js';
import { type DialpadEmulator, startDialpadEmulator } from './server.js';

const USER = { id: '5714926319624192', name: 'Ana Ortiz', email: 'ana@example.com', phone: '+16505550100' };
const HONOLULU_LINE = '+18085550100';

describe('dialpad emulator: outbound_caller_id', () => {
  let emu: DialpadEmulator;
  let gateway: HttpDialpadGateway;
  beforeAll(async () => {
    emu = await startDialpadEmulator({
      host: '127.0.0.1',
      users: [USER],
      apiKeys: ['key-1'],
      companyNumbers: [HONOLULU_LINE],
      rateLimitPerMin: null,
      rejectWhenBusy: false,
      timings: { dialMs: 60_000, ringMs: 60_000, talkMs: 60_000, noAnswerMs: 60_000, jitter: 0 },
      logger: createEmulatorLogger('dialpad-emulator', 'silent'),
    });
    gateway = new HttpDialpadGateway({ baseUrl: emu.url, apiKey: 'key-1' });
  });
  afterAll(() => emu.close());

  const lastCall = () => [...emu.state.player.calls.values()].at(-1);
  const call = (outboundCallerId?: string) =>
    gateway.initiateCall({
      dialpadUserId: USER.id,
      phoneE164: '+18085550199',
      customData: '{}',
      ...(outboundCallerId ? { outboundCallerId } : {}),
    });

  it('shows the company number asked for', async () => {
    await call(HONOLULU_LINE);
    expect(lastCall()?.internal_number).toBe(HONOLULU_LINE);
  });

  it("shows the user's own number by default", async () => {
    await call();
    expect(lastCall()?.internal_number).toBe(USER.phone);
  });

  it('refuses a number the company does not own, and starts no call', async () => {
    const before = emu.state.player.calls.size;
    const err = await call('+13105550100').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'DIALPAD_REJECTED' });
    expect(String((err as ApiError).message)).toContain('outbound_caller_id');
    expect(emu.state.player.calls.size).toBe(before);
  });
});
