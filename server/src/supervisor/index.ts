// Builds the supervisor console of one coordinator instance from the parts compose.ts already has: the
// roster (Supervisors tab), sign-in, the live board and its diff stream, the actions, the HTTP routes and the
// /supervisor/ws socket. compose.ts wires it in a few lines: routes before the 404, the socket beside the
// agents' hub, the periodic refresh on the tab-refresh tick, and stop() at shutdown.
import type { Express } from 'express';
import type { Server } from 'node:http';
import { WS_CLOSE } from '../../../src-shared/contracts/ws.js';
import type { AccessTokens } from '../auth/access-tokens.js';
import type { OidcVerifier } from '../auth/oidc.js';
import type { RefreshTokenStore } from '../auth/refresh-tokens.js';
import type { RedisAgentEventBus } from '../events/redis-bus.js';
import type { IdempotencyStore } from '../idempotency/store.js';
import type { Logger } from '../logger.js';
import type { DialerService, RouterEntry } from '../ports.js';
import type { RedisClient } from '../redis/client.js';
import type { TabCache } from '../service/tab-cache.js';
import type { Store } from '../store/types.js';
import type { WsHub } from '../ws/hub.js';
import type { WsTicketStore } from '../ws/tickets.js';
import { SupervisorActions } from './actions.js';
import { SupervisorAuth } from './auth.js';
import { type HealthProbe, SupervisorConsole } from './console.js';
import { SupervisorRoster } from './roster.js';
import { registerSupervisorRoutes } from './routes.js';
import { SignedOutRegistry } from './signed-out.js';
import { attachSupervisorSocket, type SupervisorSocketServer, SupervisorTickets } from './socket.js';

export interface SupervisorModuleDeps {
  redis: RedisClient;
  bus: RedisAgentEventBus;
  store: Store;
  service: Pick<DialerService, 'setSessionState'>;
  loadedTabs: () => TabCache[];
  routerEntries: (opts?: { fresh?: boolean }) => Promise<RouterEntry[]>;
  readRange: (spreadsheetId: string, range: string) => Promise<string[][]>;
  routerSpreadsheetId: string;
  tokens: AccessTokens;
  refreshStore: RefreshTokenStore;
  refreshTtlSeconds: number;
  oidc: OidcVerifier | null;
  demoMode: boolean;
  idempotency: IdempotencyStore;
  agentTickets: WsTicketStore;
  health: () => Promise<HealthProbe>;
  logger: Logger;
  clock: () => number;
}

export interface SupervisorModule {
  readonly console: SupervisorConsole;
  readonly signedOut: SignedOutRegistry;
  readonly roster: SupervisorRoster;
  registerRoutes(app: Express): void;
  /** The socket, and the agents' hub whose sockets a sign-out closes. */
  attach(server: Server, hub: WsHub): void;
  /** The tab-refresh tick: Supervisors tab, router agents, sign-out records. Never throws. */
  refresh(): Promise<void>;
  stop(): Promise<void>;
}

export function createSupervisorModule(d: SupervisorModuleDeps): SupervisorModule {
  const log = d.logger.child({ component: 'supervisor' });
  const signedOut = new SignedOutRegistry(d.redis);
  const roster = new SupervisorRoster({
    readRange: d.readRange,
    routerSpreadsheetId: d.routerSpreadsheetId,
    logger: log,
    now: d.clock,
  });
  let hub: WsHub | null = null;
  const console = new SupervisorConsole({
    redis: d.redis,
    subscribeAllRaw: (l) => d.bus.subscribeAllRaw(l),
    store: d.store,
    routerEntries: () => d.routerEntries(),
    loadedTabs: d.loadedTabs,
    health: d.health,
    onSignedOut: (email, at) => {
      signedOut.note(email, at);
      // After the hub delivered the SUPERVISOR_ACTION event itself (same notice): the app learns why first.
      setImmediate(() =>
        hub?.closeAgentsWhere((e) => e === email, 'signed out by a supervisor', WS_CLOSE.SIGNED_OUT),
      );
    },
    logger: log,
    clock: d.clock,
  });
  const tickets = new SupervisorTickets(d.redis);
  const auth = new SupervisorAuth({
    tokens: d.tokens,
    refreshStore: d.refreshStore,
    refreshTtlSeconds: d.refreshTtlSeconds,
    roster,
    oidc: d.oidc,
    demoMode: d.demoMode,
  });
  const actions = new SupervisorActions({
    service: d.service,
    bus: d.bus,
    console,
    signedOut,
    redis: d.redis,
  });
  let socket: SupervisorSocketServer | null = null;
  return {
    console,
    signedOut,
    roster,
    registerRoutes: (app) =>
      registerSupervisorRoutes(app, {
        auth,
        console,
        actions,
        tickets,
        idempotency: d.idempotency,
        clock: d.clock,
      }),
    attach(server, agentHub) {
      hub = agentHub;
      socket = attachSupervisorSocket(server, {
        console,
        roster,
        tickets,
        agentTickets: d.agentTickets,
        logger: log,
        clock: d.clock,
      });
    },
    async refresh() {
      const [rows] = await Promise.all([
        roster.list({ fresh: true }).catch(() => null),
        console.refreshRouter(),
        signedOut.reload(),
      ]);
      if (rows) {
        const active = new Set(rows.filter((r) => r.active).map((r) => r.email));
        socket?.closeWhere((email) => !active.has(email));
      }
    },
    async stop() {
      console.stop();
      await socket?.close();
    },
  };
}
