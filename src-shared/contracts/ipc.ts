// Electron IPC between the main process and the renderer: one contract, `namespace:verb` channel names.
// The preload exposes exactly `DesktopBridge` (derived from these schemas); the main process validates every
// argument with the same schemas (src-main/ipc) and answers `{ok:true,value}|{ok:false,error}`. On the web the
// renderer serves the same DesktopBridge from browser storage and in-page hotkeys.
import { z } from 'zod';
import { DispositionCodeSchema } from '../domain/disposition.js';
import { DesktopInstallReportSchema, HTTP_API, type RouteName, SessionSnapshotSchema } from './http.js';

/** The routes an outbox entry may name: the agent's state-changing requests (idempotent POSTs of HTTP_API). */
export const OUTBOX_ROUTES = [
  'sessionStart',
  'sessionState',
  'next',
  'dial',
  'skip',
  'disposition',
  'amendDisposition',
  'hangup',
  'callbackDial',
  'callbackCancel',
] as const satisfies readonly RouteName[];
export type OutboxRoute = (typeof OUTBOX_ROUTES)[number];

const outboxEntryOf = <N extends OutboxRoute, B extends (typeof HTTP_API)[N]['body']>(route: N, body: B) =>
  z.object({
    idempotencyKey: z.string().min(8).max(128),
    route: z.literal(route),
    /** That route's own request body (HTTP_API[route].body): checked again when a snapshot is loaded. */
    body,
    createdAt: z.number().int(),
    attempts: z.number().int().min(0),
  });

/** Snapshots written before entries named their route carried `{method, path}`: read them as the route. */
function fromPathEntry(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null || 'route' in raw || !('path' in raw)) return raw;
  const { path, method: _method, ...rest } = raw as { path: unknown; method?: unknown };
  const route = OUTBOX_ROUTES.find((n) => HTTP_API[n].path === path);
  return route ? { ...rest, route } : raw;
}

/** A request the app has sent (or will send) but whose answer it has not seen: replayed after a crash.
 *  The entry names its route and carries that route's body type, so a replay is type-checked end to end. */
export const OutboxEntrySchema = z.preprocess(
  fromPathEntry,
  z.discriminatedUnion('route', [
    outboxEntryOf('sessionStart', HTTP_API.sessionStart.body),
    outboxEntryOf('sessionState', HTTP_API.sessionState.body),
    outboxEntryOf('next', HTTP_API.next.body),
    outboxEntryOf('dial', HTTP_API.dial.body),
    outboxEntryOf('skip', HTTP_API.skip.body),
    outboxEntryOf('disposition', HTTP_API.disposition.body),
    outboxEntryOf('amendDisposition', HTTP_API.amendDisposition.body),
    outboxEntryOf('hangup', HTTP_API.hangup.body),
    outboxEntryOf('callbackDial', HTTP_API.callbackDial.body),
    outboxEntryOf('callbackCancel', HTTP_API.callbackCancel.body),
  ]),
);
export type OutboxEntry = z.infer<typeof OutboxEntrySchema>;
/** The entry of one route (its body typed as that route's request). */
export type OutboxEntryOf<N extends OutboxRoute> = Extract<OutboxEntry, { route: N }>;

export const PendingDispositionSchema = z.object({
  callId: z.string(),
  code: DispositionCodeSchema.nullable(),
  notes: z.string().max(2000),
  /** The callback chosen in the modal's schedule step (epoch ms), if any. */
  callbackAt: z.number().int().nullable().optional(),
});

/** What the desktop app persists on every change that matters (crash-safe, atomic writes). */
export const AppSnapshotSchema = z.object({
  schemaVersion: z.literal(1),
  savedAt: z.number().int(),
  coordinatorUrl: z.string().nullable(),
  agentEmail: z.string().nullable(),
  /** Last server view of the session, call and preview (restores the screen before the network answers). */
  session: SessionSnapshotSchema.nullable(),
  pendingDisposition: PendingDispositionSchema.nullable(),
  outbox: z.array(OutboxEntrySchema),
  lastWsSeq: z.number().int().nullable(),
});
export type AppSnapshot = z.infer<typeof AppSnapshotSchema>;

/** What the renderer tells the main process so the tray, shortcuts and updater can act on it. */
export const TRAY_STATES = [
  'idle',
  'paused',
  'dialing',
  'on-call',
  'disposition-pending',
  'offline',
  'signed-out',
] as const;
export const TrayStateSchema = z.enum(TRAY_STATES);
export type TrayState = z.infer<typeof TrayStateSchema>;

export const AppStatusSchema = z.object({
  tray: TrayStateSchema,
  /** A call is live (dialing/ringing/connected): never install an update now. */
  callActive: z.boolean(),
  /** The disposition modal is open: the global 1..6 / Enter / Esc shortcuts are live only then. */
  dispositionPending: z.boolean(),
  sessionState: z.enum(['PLAY', 'PAUSE', 'STOP']).nullable(),
});
export type AppStatus = z.infer<typeof AppStatusSchema>;

export const SHORTCUT_ACTIONS = [
  'dispo-1',
  'dispo-2',
  'dispo-3',
  'dispo-4',
  'dispo-5',
  'dispo-6',
  'confirm',
  'cancel',
  'toggle-play',
  'stop',
  'show-window',
  /** Ends the live call through Dialpad (POST /call/hangup); the modal opens at once. */
  'hang-up',
] as const;
export const ShortcutActionSchema = z.enum(SHORTCUT_ACTIONS);
export type ShortcutAction = z.infer<typeof ShortcutActionSchema>;

export const ShortcutBindingsSchema = z.record(ShortcutActionSchema, z.string().min(1).max(64));
export type ShortcutBindings = z.infer<typeof ShortcutBindingsSchema>;

export const ShortcutReportSchema = z.object({
  /** false where the platform offers no global shortcuts (e.g. a Wayland session). */
  supported: z.boolean(),
  unsupportedReason: z.string().nullable(),
  registered: z.array(z.object({ action: ShortcutActionSchema, accelerator: z.string() })),
  /** Shortcuts another application holds: reported with a suggested alternative, never silently lost. */
  conflicts: z.array(
    z.object({ action: ShortcutActionSchema, accelerator: z.string(), suggestion: z.string().nullable() }),
  ),
});
export type ShortcutReport = z.infer<typeof ShortcutReportSchema>;

export const TRAY_COMMANDS = ['PLAY', 'PAUSE', 'STOP', 'SHOW'] as const;
export const TrayCommandSchema = z.enum(TRAY_COMMANDS);

export const UpdateStateSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('idle') }),
  z.object({ kind: z.literal('disabled'), reason: z.string() }),
  z.object({ kind: z.literal('checking') }),
  z.object({ kind: z.literal('available'), version: z.string() }),
  z.object({ kind: z.literal('downloading'), version: z.string(), percent: z.number() }),
  z.object({
    kind: z.literal('ready'),
    version: z.string(),
    installWhen: z.enum(['now', 'idle', 'consent']),
  }),
  z.object({
    kind: z.literal('managed-by-it'),
    version: z.string(),
    channel: z.string(),
    newerMsiDue: z.string().nullable(),
  }),
  z.object({ kind: z.literal('error'), message: z.string() }),
]);
export type UpdateState = z.infer<typeof UpdateStateSchema>;

/** What the main process knows about this copy: the body of POST /desktop/install-report, or null where a
 *  report does not apply (the web build, or a version the contract would refuse). The renderer POSTs it with
 *  the agent's access token, so the main process never holds that token. */
export const DesktopInstallInfoSchema = DesktopInstallReportSchema.nullable();
export type DesktopInstallInfo = z.infer<typeof DesktopInstallInfoSchema>;

/** The coordinator's IT-policy hint from the install report's answer, passed back to the updater. */
export const DesktopItPolicySchema = z
  .object({ newerMsiDue: z.string().trim().min(1).max(64).nullable() })
  .strict();
export type DesktopItPolicy = z.infer<typeof DesktopItPolicySchema>;

/** Request/response channels (renderer → main, invoke). */
export const IPC_INVOKE = {
  'snapshot:load': { req: z.null(), res: AppSnapshotSchema.nullable() },
  'snapshot:save': { req: AppSnapshotSchema, res: z.null() },
  'credentials:get': {
    req: z.null(),
    res: z.object({
      refreshToken: z.string().nullable(),
      storage: z.enum(['keychain', 'safe-storage', 'memory']),
    }),
  },
  'credentials:set': {
    req: z.object({ refreshToken: z.string().min(10).max(512) }),
    res: z.object({ storage: z.enum(['keychain', 'safe-storage', 'memory']) }),
  },
  'credentials:clear': { req: z.null(), res: z.null() },
  'app:status': { req: AppStatusSchema, res: z.null() },
  'shortcuts:get': { req: z.null(), res: ShortcutReportSchema },
  'shortcuts:configure': { req: ShortcutBindingsSchema, res: ShortcutReportSchema },
  'updater:install': {
    req: z.null(),
    res: z.object({ accepted: z.boolean(), reason: z.string().nullable() }),
  },
  'diagnostics:copy': { req: z.null(), res: z.object({ copied: z.boolean() }) },
  'desktop:install-info': { req: z.null(), res: DesktopInstallInfoSchema },
  /** `applied`: false where the hint does not concern this install (it updates itself, or it is the web). */
  'desktop:it-policy': { req: DesktopItPolicySchema, res: z.object({ applied: z.boolean() }) },
} as const;
export type IpcInvokeChannel = keyof typeof IPC_INVOKE;

/** Push channels (main → renderer). */
export const IPC_EVENTS = {
  'shortcut:fired': z.object({ action: ShortcutActionSchema }),
  'tray:command': z.object({ command: TrayCommandSchema }),
  'updater:state': UpdateStateSchema,
  'shortcuts:report': ShortcutReportSchema,
} as const;
export type IpcEventChannel = keyof typeof IPC_EVENTS;

export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };

/** The API the preload exposes on `window.turboDesktop` (and the web build provides in-page). */
export interface DesktopBridge {
  readonly kind: 'electron' | 'web';
  invoke<C extends IpcInvokeChannel>(
    channel: C,
    req: z.input<(typeof IPC_INVOKE)[C]['req']>,
  ): Promise<IpcResult<z.infer<(typeof IPC_INVOKE)[C]['res']>>>;
  /** Subscribes to a push channel; returns the unsubscribe function. */
  on<C extends IpcEventChannel>(
    channel: C,
    listener: (payload: z.infer<(typeof IPC_EVENTS)[C]>) => void,
  ): () => void;
}
