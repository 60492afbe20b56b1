// The console's WebSocket to `/supervisor/ws` (the shared client: api/ticket-socket.ts): AUTH resumes from
// the last applied seq of the same stream (else the server sends a fresh SNAPSHOT), SNAPSHOT or RESUMED means
// accepted. Messages are parsed with SupervisorServerMessageSchema. A 4403 close or an AUTH_FAILED
// FORBIDDEN (an agent's ticket, or a supervisor no longer listed) stops reconnecting: the page says
// "not a supervisor".
import {
  SUPERVISOR_WS_CLOSE,
  SUPERVISOR_WS_VERSION,
  type SupervisorClientMessage,
  type SupervisorServerMessage,
  SupervisorServerMessageSchema,
} from '../../../src-shared/contracts/supervisor';
import { type SocketProtocol, TicketSocket, type TicketSocketOptions } from '../../api/ticket-socket';

export interface ConsoleSocketOptions extends TicketSocketOptions {
  getResume: () => { stream: string; lastSeq: number } | null;
  onMessage: (m: SupervisorServerMessage) => void;
}

function consoleProtocol(
  getResume: ConsoleSocketOptions['getResume'],
): SocketProtocol<SupervisorServerMessage, SupervisorClientMessage> {
  return {
    schema: SupervisorServerMessageSchema,
    auth: (ticket) => ({ v: SUPERVISOR_WS_VERSION, type: 'AUTH', ticket, resume: getResume() }),
    ping: (t) => ({ v: SUPERVISOR_WS_VERSION, type: 'PING', t }),
    verdict: (m) => {
      if (m.type === 'AUTH_FAILED') return m.code === 'FORBIDDEN' ? 'forbidden' : 'refused';
      return m.type === 'SNAPSHOT' || m.type === 'RESUMED' ? 'accepted' : null;
    },
    forbiddenCloseCodes: [SUPERVISOR_WS_CLOSE.FORBIDDEN],
  };
}

export class ConsoleSocket extends TicketSocket<SupervisorServerMessage, SupervisorClientMessage> {
  constructor({ getResume, onMessage, ...o }: ConsoleSocketOptions) {
    super(consoleProtocol(getResume), onMessage, o);
  }
}
