#!/usr/bin/env node
// Generates the app icon (build/icon.png, 512×512: electron-builder derives .ico/.icns from it) and one
// tray icon per tray state (build/tray/tray-<state>.png, 32×32 plus @2x) with nothing but Node's zlib.
// Run: node build/make-icons.mjs   (the outputs are committed; re-run after changing colours).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
/** RGBA pixels from `paint(x, y) → [r,g,b,a]` (coordinates normalised to 0..1). */
function png(size, paint) {
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    for (let x = 0; x < size; x++) {
      const [r, g, b, a] = paint((x + 0.5) / size, (y + 0.5) / size);
      raw.set([r, g, b, a], y * (size * 4 + 1) + 1 + x * 4);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
const hex = (h) => [1, 3, 5].map((i) => Number.parseInt(h.slice(i, i + 2), 16));
/** Anti-aliased coverage of a disc of radius r at distance d. */
const cover = (d, r, px) => Math.max(0, Math.min(1, (r - d) / px + 0.5));

// Tray: a filled disc in the state colour with a white ring, readable on light and dark bars.
const STATES = {
  idle: '#22c55e',
  paused: '#f59e0b',
  dialing: '#3b82f6',
  'on-call': '#ef4444',
  'disposition-pending': '#a855f7',
  offline: '#6b7280',
  'signed-out': '#9ca3af',
};
function trayIcon(size, color) {
  const [r, g, b] = hex(color);
  const px = 1 / size;
  return png(size, (x, y) => {
    const d = Math.hypot(x - 0.5, y - 0.5);
    const outer = cover(d, 0.46, px);
    const ring = outer - cover(d, 0.38, px);
    const a = Math.round(255 * outer);
    const mix = (c) => Math.round(c * (1 - ring) + 255 * ring);
    return [mix(r), mix(g), mix(b), a];
  });
}
mkdirSync(join(here, 'tray'), { recursive: true });
for (const [state, color] of Object.entries(STATES)) {
  writeFileSync(join(here, 'tray', `tray-${state}.png`), trayIcon(32, color));
  writeFileSync(join(here, 'tray', `tray-${state}@2x.png`), trayIcon(64, color));
}

// App icon: a rounded indigo square with a white "play" triangle inside a ring (speed-first dialing).
function appIcon(size) {
  const px = 1 / size;
  const [r1, g1, b1] = hex('#4f46e5');
  const [r2, g2, b2] = hex('#0ea5e9');
  return png(size, (x, y) => {
    const qx = Math.max(Math.abs(x - 0.5) - 0.3, 0);
    const qy = Math.max(Math.abs(y - 0.5) - 0.3, 0);
    const square = cover(Math.hypot(qx, qy), 0.14, px);
    const t = (x + y) / 2;
    let [r, g, b] = [r1 + (r2 - r1) * t, g1 + (g2 - g1) * t, b1 + (b2 - b1) * t];
    const d = Math.hypot(x - 0.5, y - 0.5);
    const ring = cover(d, 0.3, px) - cover(d, 0.26, px);
    // Triangle pointing right, centred.
    const tx = x - 0.45;
    const inTri = tx > -0.08 && tx < 0.14 && Math.abs(y - 0.5) < (0.14 - tx) * 0.75;
    const white = Math.max(ring, inTri ? 1 : 0);
    [r, g, b] = [r, g, b].map((c) => c * (1 - white) + 255 * white);
    return [Math.round(r), Math.round(g), Math.round(b), Math.round(255 * square)];
  });
}
writeFileSync(join(here, 'icon.png'), appIcon(512));
console.log('icons written to build/icon.png and build/tray/');
