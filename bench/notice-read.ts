// The bus's per-notice read (server/src/events/notice-text.ts readNotice) over notices as a max-pace cycle
// publishes them: µs of CPU per cycle's notices (~4 a cycle, ~3.9 KB), warm. Notices are generated in the
// shape eventsAppend.lua writes (a call view per step, SHOW_DISPO with its lead preview, STATS), or read
// from a file of captured notices, one per line (`redis-cli --raw SUBSCRIBE dialer:events:notify`).
// Usage: npx tsx bench/notice-read.ts [--file notices.txt] [--rounds 5] [--iterations 20000]
import { readFileSync } from 'node:fs';
import { readNotice } from '../server/src/events/notice-text.js';
import { numberArg } from './cli-args.js';

const fileAt = process.argv.indexOf('--file');
const file = fileAt > 0 ? process.argv[fileAt + 1] : undefined;

const call = (state: string, i: number) => ({
  callId: `5EtZ86Qmsp.62baf25e-2f10-4df1-a8ac-${String(i).padStart(12, '0')}`,
  sessionId: 'e6be36e3-96b8-4b84-97d4-de3888f74525',
  state,
  leadRowId: `A${String(i % 100).padStart(4, '0')}`,
  numberIndex: 0,
  phoneE164: '+911155500169',
  startedAt: 1796102114006,
  ringingAt: 1796102114038,
  connectedAt: state === 'DIALING' ? null : 1796102114040,
  endedAt: state === 'ENDED' ? 1796102114050 : null,
  endReason: state === 'ENDED' ? 'HANGUP' : null,
  suggestedDisposition: state === 'ENDED' ? 'NO_ANSWER' : null,
  timeoutAt: 1796103014006,
  callerId: null,
});
const stats = {
  type: 'STATS',
  stats: {
    callsInitiated: 12,
    callsCompleted: 11,
    connects: 11,
    dispositions: {
      CORRECT: 0,
      WRONG: 0,
      VM_SAME_NAME: 0,
      VM_OR_NA_UNKNOWN: 0,
      NO_ANSWER: 11,
      DO_NOT_CALL: 0,
    },
    skips: 0,
    successRate: 0,
    dialsPerHour: 3600,
    talkTimeSeconds: 0,
    leadsRemaining: 85,
    leadsTotal: 100,
  },
};
const preview = {
  lead: {
    rowId: 'A0001',
    name: 'Jordan Alvarez',
    company: 'Alvarez Roofing & Sons',
    numbers: [{ e164: '+911155500169', raw: '+91 11 5550 0169', status: 'NO_ANSWER' }],
    notes: 'Asked to call back after 4pm; "prefers" mornings',
    attempts: 11,
  },
  numberIndex: 0,
  window: { inWindow: true, timeZone: 'Asia/Kolkata', localTime: '10:30', zones: [], source: 'PHONE' },
};
const notice = (seq: number, events: object[]) =>
  `{"email":"agent0001@bench.turbodialer.example","at":1796102114006,"events":[${events
    .map((e, i) => `{"seq":${seq + i},"event":${JSON.stringify(e)}}`)
    .join(',')}]}`;

function generated(): string[] {
  const out: string[] = [];
  for (let i = 0; i < 50; i++) {
    const seq = 114950535260672 + i * 256;
    out.push(notice(seq, [{ type: 'CALL_STATE', call: call('RINGING', i) }]));
    out.push(notice(seq + 64, [{ type: 'CALL_STATE', call: call('CONNECTED', i) }, stats]));
    out.push(
      notice(seq + 128, [
        { type: 'CALL_STATE', call: call('ENDED', i) },
        { type: 'SHOW_DISPO', call: call('ENDED', i), preview },
        stats,
      ]),
    );
    out.push(
      notice(seq + 192, [
        { type: 'CALL_STATE', call: call('DISPOSED', i) },
        { type: 'CALL_STATE', call: call('DIALING', i + 1) },
        stats,
      ]),
    );
  }
  return out;
}

const notices = file
  ? readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('{"email"'))
  : generated();
const rounds = numberArg('rounds', 5, 1);
const iterations = numberArg('iterations', 20_000, 1);
const bytes = notices.reduce((n, t) => n + t.length, 0);
let events = 0;
for (let w = 0; w < 2_000; w++) for (const t of notices) events += readNotice(t)?.events.length ?? 0;
const perNotice: number[] = [];
for (let r = 0; r < rounds; r++) {
  const t0 = process.cpuUsage();
  let k = 0;
  for (let i = 0; i < iterations; i++) {
    const t = notices[i % notices.length] as string;
    k += readNotice(t)?.events.length ?? 0;
  }
  const u = process.cpuUsage(t0);
  if (k === 0) throw new Error('no notice read');
  perNotice.push((u.user + u.system) / iterations);
}
perNotice.sort((a, b) => a - b);
const median = perNotice[Math.floor(perNotice.length / 2)] as number;
console.log(
  JSON.stringify({
    notices: notices.length,
    meanNoticeChars: Math.round(bytes / notices.length),
    usPerNotice: Math.round(median * 1000) / 1000,
    usPer4Notices: Math.round(median * 4 * 1000) / 1000,
    roundsUsPerNotice: perNotice.map((v) => Math.round(v * 1000) / 1000),
    warmEvents: events > 0,
  }),
);
