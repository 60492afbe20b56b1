// The test bridge is held to the IPC contract like the real main process: what breaks the contract comes back
// as the app would see it, so a renderer test cannot pass on an answer the main process could never give.
import { afterEach, describe, expect, it } from 'vitest';
import { fakeElectronBridge } from './fake-electron-bridge';

afterEach(() => {
  localStorage.clear();
  sessionStorage.clear();
});

describe('fakeElectronBridge', () => {
  it('answers with the scripted main-process handler and records the call', async () => {
    const fake = fakeElectronBridge({ 'updater:install': () => ({ accepted: false, reason: 'on a call' }) });
    expect(await fake.bridge.invoke('updater:install', null)).toEqual({
      ok: true,
      value: { accepted: false, reason: 'on a call' },
    });
    expect(fake.of('updater:install')).toEqual([null]);
  });

  it('turns a scripted answer that breaks the contract into the INTERNAL failure the app would get', async () => {
    const fake = fakeElectronBridge({ 'updater:install': () => JSON.parse('{"accepted":"yes"}') });
    const r = await fake.bridge.invoke('updater:install', null);
    expect(r).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });

  it('refuses a request that breaks the contract, as the main process does', async () => {
    const fake = fakeElectronBridge();
    const r = await fake.bridge.invoke('credentials:set', { refreshToken: 'short' });
    expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
  });

  it('serves unscripted channels like the web bridge (a saved snapshot loads back)', async () => {
    const fake = fakeElectronBridge();
    expect(fake.bridge.kind).toBe('electron');
    expect(await fake.bridge.invoke('snapshot:load', null)).toEqual({ ok: true, value: null });
    expect(await fake.bridge.invoke('credentials:get', null)).toMatchObject({
      ok: true,
      value: { storage: 'memory' },
    });
  });
});
