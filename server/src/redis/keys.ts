// Every Redis key the coordinator uses, built in one place (BullMQ's queue-keys.ts). Names follow the seed
// (`dialer:session:*`, `dialer:agent:*`, `dialer:lock:*`, `dialer:idem:*`, `dialer:event:*`,
// `dialer:metric:*`) and carry Redis Cluster hash tags so every multi-key Lua script touches one slot:
//   {t:<spreadsheetId>:<sheetId>}  everything about one agent tab: sessions dialing it, its leads' state,
//                                  lead claims, calls, its write-behind queue, session stats
//   {a:<email>}                    everything about one agent: active session pointer, event home pointer,
//                                  idempotency records, refresh tokens, agent stats
// A script never mixes the two tags; the few cross-tag steps are ordered so a crash between them is harmless.
// The agent's event stream lives in the tab slot of its home (the tab of its latest session): the
// transition that makes a step (a webhook's callStep, a disposition, a dial) appends its events in the
// same script. An agent that never had a session since this layout uses its lobby stream (its own slot,
// the former per-agent stream). See
// docs/coordinator-state.md "Agent events".

import { createHash } from 'node:crypto';

const PREFIX = 'dialer';

/** Approximate retention of an agent's event stream, in entries (steps): older ones are trimmed by XADD
 *  MAXLEN ~ and a client behind them resyncs. */
export const AGENT_EVENTS_MAXLEN = 1000;

/** Seqs per step in an agent's event stream: event i (0-based) of the step whose entry id is `0-<k>` has
 *  the seq `k * EVENTS_PER_STEP + i` (includes/eventsAppend.lua, which keeps the same constant). A step
 *  holds at most EVENTS_PER_STEP - 1 events: the index EVENTS_PER_STEP - 1 is never an event's, it marks
 *  "all of step k" (events/replay.ts). */
export const EVENTS_PER_STEP = 64;

/** The tab's lead index holds the open calls' deadlines too, in a band of scores of its own: a deadline's
 *  score is CALL_TIMEOUT_BAND + the deadline (epoch ms), a lead's is its last write (epoch ms, < 2^50 until
 *  the year 37648), so each reader takes its own band by score range, and every score is an exact integer
 *  in a double (< 2^53). includes/callTimeouts.lua keeps the same constants. */
export const CALL_TIMEOUT_BAND = 2 ** 50;
/** A deadline's member: the session id (or a call id: the layout before) after a prefix no rowId can take
 *  (a rowId is a trimmed cell: it never starts with a space). */
export const CALL_TIMEOUT_MEMBER_PREFIX = ' t:';
export const callTimeoutMember = (id: string): string => `${CALL_TIMEOUT_MEMBER_PREFIX}${id}`;
/** A deadline's score in the call-timeout band ("+inf" past a double's exact integers: a sweep of all). */
export const callTimeoutScore = (deadline: number): string =>
  deadline > Number.MAX_SAFE_INTEGER - CALL_TIMEOUT_BAND
    ? '+inf'
    : String(CALL_TIMEOUT_BAND + Math.floor(deadline));
const leadIndexKey = (tag: string): string => `${PREFIX}:leads:${tag}`;

export const tabTag = (spreadsheetId: string, sheetId: number): string => `{t:${spreadsheetId}:${sheetId}}`;

/** A short, stable code of a tab tag (10 characters of its SHA-1, base64url): call ids carry it. */
export const tabCode = (tag: string): string =>
  createHash('sha1').update(tag).digest('base64url').slice(0, 10);

/** A call id that names its tab and its session, `<tabCode>.<sessionId>.<unique>`: any instance finds the
 *  call's tab from the id alone (keys.dialerTabs lists every tab that had a session), with no locator key
 *  per call, and its record: the session hash's `c:` fields while it is the session's live call, its
 *  archive (keys.callArchive) once it left the session. `unique` is shortened to 12 characters (unique
 *  within the session) so the id stays within the API's 64. */
export const callIdIn = (tag: string, sessionId: string, unique: string): string =>
  `${tabCode(tag)}.${sessionId}.${unique.replace(/[^A-Za-z0-9_]/g, '').slice(0, 12)}`;

const CALL_ID_RE = /^([A-Za-z0-9_-]{10})\.(?:([^.]+)\.)?[^.]+$/;

/** The tab code a call id made by callIdIn carries (or one of the layout before, `<tabCode>.<unique>`),
 *  or null (an id from before both: its locator finds it). */
export const tabCodeOfCallId = (callId: string): string | null => CALL_ID_RE.exec(callId)?.[1] ?? null;

/** The session a call id made by callIdIn names, or null: an id from before, whose record is its own
 *  hash (keys.call), read and stepped the old way until it ends. */
export const sessionIdOfCallId = (callId: string): string | null => CALL_ID_RE.exec(callId)?.[2] ?? null;
export const agentTag = (email: string): string => `{a:${email.toLowerCase()}}`;

/** The agent pointer's value (keys.agent): `<tabTag>|<sessionId>`. */
export const agentPointerValue = (tag: string, sessionId: string): string => `${tag}|${sessionId}`;

/** Reads an agent pointer's value; null when it is not one. */
export function parseAgentPointer(v: string): { tag: string; sessionId: string } | null {
  const cut = v.lastIndexOf('|');
  if (cut <= 0) return null;
  return { tag: v.slice(0, cut), sessionId: v.slice(cut + 1) };
}

export const keys = {
  // ---- agent-scoped ({a:email})
  /** STRING: the agent's active session id (and its tab tag), "<tabTag>|<sessionId>". */
  agent: (email: string) => `${PREFIX}:agent:${agentTag(email)}`,
  /** STRING: the tab tag whose stream holds the agent's events (its home: the tab of its latest session).
   *  Set when a session starts (redis-bus.ts rehome), never deleted: events after STOP, a supervisor's
   *  sign-out, an ERROR with no session all still find the stream the agent's client reads. */
  agentEventHome: (email: string) => `${PREFIX}:evhome:${agentTag(email)}`,
  /** STREAM: the events of an agent with no home yet, in its own slot, laid out like a home's
   *  (agentEvents); deleted when the agent gets a home. */
  agentLobbyEvents: (email: string) => `${PREFIX}:ev:${agentTag(email)}`,
  /** STREAM + STRING counter of the layout before step ids (`<seq>-0` entry ids and a `:seq` counter):
   *  never read, deleted when the agent's next session starts (redis-bus.ts rehome). */
  legacyLobbyEvents: (email: string) => [
    `${PREFIX}:events:${agentTag(email)}`,
    `${PREFIX}:events:${agentTag(email)}:seq`,
  ],
  /** STRING (JSON): idempotency record for one key (body hash, owner, stored response). */
  idem: (email: string, key: string) => `${PREFIX}:idem:${agentTag(email)}:${key}`,
  /** STRING (JSON): the same record for a route whose transition script checks and reserves it in its
   *  own step (POST /disposition: callDispose.lua), so it lives in the tab's slot. */
  idemIn: (tag: string, email: string, key: string) => `${PREFIX}:idem:${tag}:${email.toLowerCase()}:${key}`,
  /** HASH: refresh token family record. */
  refreshToken: (email: string, tokenId: string) => `${PREFIX}:refresh:${agentTag(email)}:${tokenId}`,
  /** HASH: the agent's lifetime stats counters as they stood before they moved to the tabs
   *  (agentTabStats): read (summed with those), never written any more. */
  agentStats: (email: string) => `${PREFIX}:metric:${agentTag(email)}:stats`,
  /** SET: the tab tags the agent has had sessions on (SADDed at session start): where its counters are. */
  agentTabs: (email: string) => `${PREFIX}:metric:${agentTag(email)}:tabs`,
  /** STRING: a one-use WebSocket ticket → email (short TTL). Tagged by the ticket itself. */
  wsTicket: (ticket: string) => `${PREFIX}:wsticket:{w:${ticket}}`,

  // ---- tab-scoped ({t:spreadsheet:sheet})
  /** HASH: session record, and its stats counters as `n:<figure>` fields (includes/countersAdd.lua). */
  session: (tag: string, sessionId: string) => `${PREFIX}:session:${tag}:${sessionId}`,
  /** HASH: the agent's lifetime counters on this tab (initiated, completed, connects, talkMs, skips,
   *  successes, d:<code>, since), written by the same scripts that write the session's `n:` counters, so a
   *  cycle costs no script of the agent's slot; the agent's lifetime figures are their sum over
   *  keys.agentTabs (plus keys.agentStats, the counters from before). */
  agentTabStats: (tag: string, email: string) => `${PREFIX}:metric:${tag}:agent:${email.toLowerCase()}`,
  /** STRING: per-session lock (owner token, 5 s TTL). */
  sessionLock: (tag: string, sessionId: string) => `${PREFIX}:lock:${tag}:session:${sessionId}`,
  /** HASH: one lead's dialer-owned state (statuses, retryAt, attempts, nextIndex, notes, version) and its
   *  claim `c` = `<sessionId>|<callId or p:previewId>|<expiresAt>`, a lease (includes/dialerLead.lua). */
  lead: (tag: string, rowId: string) => `${PREFIX}:lead:${tag}:${rowId}`,
  /** ZSET: rowIds of the tab's leads with state in Redis, for rebuilds after restart; score = the overlay's
   *  last write time (epoch ms of the writer; 1 = written before scores were times), for refreshes. Scores
   *  from CALL_TIMEOUT_BAND up are the open calls' deadlines (callTimeoutIndex), not leads. */
  leadIndex: leadIndexKey,
  /** STREAM: the ordered, replayable WebSocket events of an agent whose home is this tab: one entry per
   *  step, id `0-<step>` (XADD `0-*`: the previous step + 1, so the stream is its own counter), the
   *  step's events seqs `step * EVENTS_PER_STEP + i` (includes/eventsAppend.lua). */
  agentEvents: (tag: string, email: string) => `${PREFIX}:ev:${tag}:${email.toLowerCase()}`,
  /** The same agent's stream and seq counter in the layout before step ids: never read, deleted when a
   *  session of the agent starts on this tab (redis-bus.ts rehome). */
  legacyAgentEvents: (tag: string, email: string) => [
    `${PREFIX}:events:${tag}:${email.toLowerCase()}`,
    `${PREFIX}:events:${tag}:${email.toLowerCase()}:seq`,
  ],
  /** HASH: the record of a call whose id names no session (dialed before calls lived in the session hash:
   *  store/call-record.ts); never written for a new call. */
  call: (tag: string, callId: string) => `${PREFIX}:call:${tag}:${callId}`,
  /** STRING (JSON of the call's fields, PX 7 days): a call whose id names its session, once it left the
   *  session (disposed, or its dial failed); while live it is the session hash's `c:` fields. */
  callArchive: (tag: string, callId: string) => `${PREFIX}:callrec:${tag}:${callId}`,
  /** ZSET: the open calls' deadlines (the no-webhook sweeper): the tab's lead index itself, whose band of
   *  scores from CALL_TIMEOUT_BAND holds them (callTimeoutMember), so a dial files its lead and its deadline
   *  with ONE ZADD (includes/callTimeouts.lua). */
  callTimeoutIndex: leadIndexKey,
  /** ZSET: the open calls' deadlines in the layout before the band (member = session id, or call id):
   *  never written; the sweeper moves what it holds into the band (callTimeoutsMove.lua). */
  legacyCallTimeouts: (tag: string) => `${PREFIX}:calltimeouts:${tag}`,
  /** SET: the campaign's do-not-call numbers (E.164). */
  doNotCall: (tag: string) => `${PREFIX}:dnc:${tag}`,
  /** STREAM: the tab's durable Sheets write-behind queue (entries removed only after Google acked). */
  sheetQueue: (tag: string) => `${PREFIX}:sheetq:${tag}`,
  /** HASH: failed-attempt counters of the tab's queued patches (field = stream entry id). */
  sheetQueueAttempts: (tag: string) => `${PREFIX}:sheetq:${tag}:attempts`,
  /** STREAM: patches the flusher refused to write (their RowID vanished or moved ambiguously), for a human. */
  sheetDeadLetters: (tag: string) => `${PREFIX}:sheetq:${tag}:dead`,
  /** STRING (JSON, with TTL): the tab's last sheet read and the cells unflushed when it began, so a cold
   *  instance answers from Redis while Sheets is down and re-reads in the background (tab-snapshots.ts). */
  tabSnapshot: (tag: string) => `${PREFIX}:tabsnap:${tag}`,

  // ---- global (own slot each)
  /** SET: tab tags that may have pending sheet writes (SADDed before the enqueue; harmless if stale). */
  sheetQueueTabs: () => `${PREFIX}:sheetq:tabs`,
  /** SET: tab tags whose attempts hash may hold failed-attempt counts (SADDed before each count; SREMed when
   *  an ack empties the queue and the hash): the flusher's peek reads counts only of these tabs. */
  sheetQueueAttemptedTabs: () => `${PREFIX}:sheetq:attempted`,
  /** SET: tab tags that have (or had) dialer sessions: the call-timeout sweeper walks these. */
  dialerTabs: () => `${PREFIX}:tabs`,
  /** STRING with TTL: one flusher at a time per spreadsheet (value = owner token), so two coordinator
   *  instances never race and write an older value over a newer one. */
  sheetFlushLock: (spreadsheetId: string) => `${PREFIX}:lock:{s:${spreadsheetId}}:sheetflush`,
  /** STRING: call id → tab tag, for calls dialed before call ids carried their tab (callIdIn): read, no
   *  longer written. */
  callLocator: (callId: string) => `${PREFIX}:callloc:{c:${callId}}`,
  /** STRING with the preview lease as TTL: preview id → `<tabTag>|<sessionId>`, so a request naming a
   *  preview of another agent's session is told 403 rather than 404. */
  previewLocator: (previewId: string) => `${PREFIX}:previewloc:{p:${previewId}}`,
  /** HASH: agent email → its desktop app's latest install report (JSON); read whole for /metrics. */
  desktopInstalls: () => `${PREFIX}:desktop:installs`,
  /** STRING with TTL: webhook event dedupe. */
  event: (eventId: string) => `${PREFIX}:event:{e:${eventId}}`,
  /** STRING counter with TTL: the shared Sheets request budget for one minute window. */
  quota: (bucket: string, windowStart: number) => `${PREFIX}:metric:{q:${bucket}}:${windowStart}`,
  /** Pub/sub channel announcing new agent events to every instance. */
  agentEventsChannel: () => `${PREFIX}:events:notify`,
  /** Pub/sub channel announcing lead state changes (other instances refresh their policy index). */
  leadChangesChannel: () => `${PREFIX}:leads:notify`,
} as const;
