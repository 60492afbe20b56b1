// Smoke test of the real main-process bundle (npm run build:main) wired end to end. Electron itself cannot
// run here, so `electron` is replaced by a recording stand-in module (the one external system faked); all of
// our code runs as shipped: start-up with a corrupt snapshot on disk, every IPC channel registered and
// guarded, the shortcut set following the disposition state, and quit releasing keys and flushing state.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IPC_INVOKE } from '../../src-shared/contracts/ipc.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const FAKE_ELECTRON = `
const EventEmitter = require('node:events');
const log = (globalThis.__log = []);
const handlers = (globalThis.__handlers = new Map());
const held = (globalThis.__held = new Set());
const app = new EventEmitter();
Object.assign(app, {
  commandLine: { appendSwitch() {}, getSwitchValue: () => '' },
  requestSingleInstanceLock: () => true,
  setAppUserModelId() {},
  whenReady: () => Promise.resolve(),
  getPath: (n) => require('node:path').join(process.env.FAKE_HOME, n),
  isPackaged: false,
  getVersion: () => '1.2.3',
  getName: () => 'Turbo Dialer',
  quit() { log.push(['quit']); app.emit('will-quit', { preventDefault() { log.push(['quit-deferred']); } }); },
  exit(code) { log.push(['exit', code]); },
});
class WebContents extends EventEmitter {
  constructor() { super(); this.session = { webRequest: { onHeadersReceived: (fn) => (globalThis.__csp = fn) }, setPermissionRequestHandler: (fn) => (globalThis.__perm = fn), setPermissionCheckHandler() {} }; }
  setWindowOpenHandler(fn) { globalThis.__open = fn; }
  send(channel, payload) { log.push(['push', channel, payload]); }
  isDestroyed() { return false; }
}
class BrowserWindow extends EventEmitter {
  constructor(options) { super(); log.push(['window', options.webPreferences]); this.webContents = new WebContents(); }
  loadURL(url) { log.push(['load', url]); return Promise.resolve(); }
  isDestroyed() { return false; } hide() {} show() {} focus() {} isMinimized() { return false; } isVisible() { return true; }
}
exports.app = app;
exports.BrowserWindow = BrowserWindow;
exports.globalShortcut = { register: (a) => (held.add(a), true), isRegistered: (a) => held.has(a), unregister: (a) => held.delete(a), unregisterAll: () => held.clear() };
exports.ipcMain = { handle: (c, l) => handlers.set(c, l), removeHandler: (c) => handlers.delete(c) };
exports.Menu = { buildFromTemplate: (t) => t };
exports.Tray = class { setImage() {} setToolTip(t) { log.push(['tooltip', t]); } setContextMenu() {} on() {} destroy() {} };
exports.nativeImage = { createFromPath: () => ({ resize() { return this; } }) };
exports.safeStorage = { isEncryptionAvailable: () => true, getSelectedStorageBackend: () => 'basic_text' };
exports.powerMonitor = { getSystemIdleTime: () => 0 };
exports.net = { isOnline: () => true };
exports.clipboard = { writeText: (t) => log.push(['clipboard', t]) };
exports.shell = { openExternal() {} };
`;

const DRIVER = `
await import('./main/index.js');
const waitFor = async (cond) => { for (let i = 0; i < 400 && !cond(); i++) await new Promise((r) => setTimeout(r, 25)); };
await waitFor(() => globalThis.__handlers.size > 0);
const h = globalThis.__handlers;
const frame = { senderFrame: { url: new URL('./renderer/index.html', import.meta.url).href } };
const call = (c, arg, ev = frame) => h.get(c)(ev, arg);
const out = { channels: [...h.keys()] };
out.heldIdle = [...globalThis.__held];
out.status = await call('app:status', { tray: 'disposition-pending', callActive: true, dispositionPending: true, sessionState: 'PLAY' });
out.heldPending = [...globalThis.__held];
out.credentials = await call('credentials:set', { refreshToken: 'refresh-token-0123456789' });
out.badSnapshot = await call('snapshot:save', { schemaVersion: 1 });
out.foreign = await call('snapshot:load', null, { senderFrame: { url: 'https://evil.example/' } });
out.save = await call('snapshot:save', JSON.parse(process.env.SNAPSHOT));
out.install = await call('updater:install', null);
out.diagnostics = await call('diagnostics:copy', null);
out.installInfo = await call('desktop:install-info', null);
out.itPolicy = await call('desktop:it-policy', { newerMsiDue: '9.0.0' });
out.perm = await new Promise((r) => globalThis.__perm({}, 'media', r, { requestingUrl: 'file:///x' }));
const { app } = await import('electron');
app.quit();
await waitFor(() => globalThis.__log.filter((e) => e[0] === 'quit').length >= 2);
out.heldAfterQuit = [...globalThis.__held];
out.log = globalThis.__log;
console.log('RESULT ' + JSON.stringify(out));
process.exit(0);
`;

let dir: string;
// biome-ignore lint/suspicious/noExplicitAny: the driver's JSON output is explored field by field below
let result: any;
const snapshot = {
  schemaVersion: 1,
  savedAt: 1,
  coordinatorUrl: null,
  agentEmail: 'agent@example.com',
  session: null,
  pendingDisposition: { callId: 'c-1', code: null, notes: '' },
  outbox: [
    {
      idempotencyKey: 'key-000000001',
      // Written before entries named their route: read back as route "disposition".
      method: 'POST',
      path: '/disposition',
      body: { callId: 'c-1', code: 'NO_ANSWER' },
      createdAt: 1,
      attempts: 0,
    },
  ],
  lastWsSeq: 3,
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'turbo-bundle-'));
  execFileSync(process.execPath, [join(root, 'build', 'build-main.mjs')], {
    env: { ...process.env, OUT_DIR: join(dir, 'main') },
    stdio: 'pipe',
  });
  mkdirSync(join(dir, 'node_modules', 'electron'), { recursive: true });
  writeFileSync(join(dir, 'node_modules', 'electron', 'index.js'), FAKE_ELECTRON);
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
  writeFileSync(join(dir, 'driver.js'), DRIVER);
  const home = join(dir, 'home');
  mkdirSync(join(home, 'userData'), { recursive: true });
  writeFileSync(join(home, 'userData', 'snapshot.json'), '{"schemaVersion":1,"savedAt":'); // torn write
  const stdout = execFileSync(process.execPath, [join(dir, 'driver.js')], {
    cwd: dir,
    env: { ...process.env, FAKE_HOME: home, SNAPSHOT: JSON.stringify(snapshot), XDG_SESSION_TYPE: 'x11' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
  result = JSON.parse(line!.slice('RESULT '.length));
}, 120_000);
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('bundled main process', () => {
  it('opens one sandboxed window on the local renderer and registers every IPC channel', () => {
    expect(result.channels.sort()).toEqual(Object.keys(IPC_INVOKE).sort());
    const windows = result.log.filter((e: unknown[]) => e[0] === 'window');
    expect(windows).toHaveLength(1);
    expect(windows[0][1]).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false });
    expect(result.log.find((e: unknown[]) => e[0] === 'load')[1]).toMatch(/renderer\/index\.html$/);
  });

  it('set the torn snapshot aside at start-up instead of failing', () => {
    const files = readdirSync(join(dir, 'home', 'userData'));
    expect(files.some((f) => f.startsWith('snapshot.corrupt-'))).toBe(true);
  });

  it('answers the renderer with validated results and refuses foreign frames', () => {
    expect(result.status).toEqual({ ok: true, value: null });
    // Linux basic_text: memory only, never a file.
    expect(result.credentials).toEqual({ ok: true, value: { storage: 'memory' } });
    expect(readdirSync(join(dir, 'home', 'userData'))).not.toContain('credentials.bin');
    expect(result.badSnapshot).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(result.foreign).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(result.install).toMatchObject({ ok: true, value: { accepted: false } });
    expect(result.perm).toBe(false);
  });

  it('serves the install report body to the renderer; an unpackaged copy ignores the MSI hint', () => {
    expect(result.installInfo).toEqual({
      ok: true,
      value: {
        appVersion: '1.2.3',
        channel: 'stable',
        installType: 'unknown',
        platform: process.platform,
        arch: process.arch,
      },
    });
    expect(result.itPolicy).toEqual({ ok: true, value: { applied: false } });
  });

  it('holds the disposition keys only while a disposition is pending', () => {
    expect(result.heldIdle).not.toContain('CommandOrControl+Alt+1');
    expect(result.heldPending).toContain('CommandOrControl+Alt+1');
    expect(result.heldPending).toContain('CommandOrControl+Alt+Enter');
  });

  it('copies masked diagnostics, and on quit releases every key and leaves the outbox on disk', () => {
    const clip = result.log.find((e: unknown[]) => e[0] === 'clipboard')[1] as string;
    expect(clip).toContain('app: 1.2.3');
    expect(clip).toContain('credentials: memory');
    expect(clip).toMatch(/note: snapshot corrupt \(not JSON/);
    expect(result.heldAfterQuit).toEqual([]);
    const saved = JSON.parse(readFileSync(join(dir, 'home', 'userData', 'snapshot.json'), 'utf8'));
    expect(saved.outbox.map((e: { idempotencyKey: string }) => e.idempotencyKey)).toEqual(['key-000000001']);
    expect(saved.outbox[0].route).toBe('disposition'); // the older {method, path} entry, read as its route
  });
});
