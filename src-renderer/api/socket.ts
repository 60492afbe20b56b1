// The agent's WebSocket to /ws (the shared client: ticket-socket.ts): AUTH resumes from the last processed
// seq (the server replays what was missed), HELLO means accepted, AUTH_FAILED refreshes the sign-in. Messages
// are parsed with ServerMessageSchema. A supervisor's sign-out closes it with 4409: it reconnects like any
// drop, the ticket request is then refused (401 AGENT_SIGNED_OUT) and so is the refresh, which signs out.
import {
  type ClientMessage,
  type ServerMessage,
  ServerMessageSchema,
  WS_PROTOCOL_VERSION,
} from '../../src-shared/contracts/ws';
import { type SocketProtocol, TicketSocket, type TicketSocketOptions } from './ticket-socket';

export type { SocketPhase } from './ticket-socket';

export interface AgentSocketOptions extends Omit<TicketSocketOptions, 'onForbidden'> {
  getLastSeq: () => number | null;
  onMessage: (m: ServerMessage) => void;
}

function agentProtocol(getLastSeq: () => number | null): SocketProtocol<ServerMessage, ClientMessage> {
  return {
    schema: ServerMessageSchema,
    auth: (ticket) => ({ v: WS_PROTOCOL_VERSION, type: 'AUTH', ticket, lastSeq: getLastSeq() }),
    ping: (t) => ({ v: WS_PROTOCOL_VERSION, type: 'PING', t }),
    verdict: (m) => (m.type === 'HELLO' ? 'accepted' : m.type === 'AUTH_FAILED' ? 'refused' : null),
  };
}

export class AgentSocket extends TicketSocket<ServerMessage, ClientMessage> {
  constructor({ getLastSeq, onMessage, ...o }: AgentSocketOptions) {
    super(agentProtocol(getLastSeq), onMessage, o);
  }
}
