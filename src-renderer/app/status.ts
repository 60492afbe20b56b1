// What the renderer reports to the bridge (`app:status`): the tray icon/tooltip, whether a call is live (the
// updater never installs then) and whether the disposition modal is up (the global 1..6/Enter/Esc shortcuts
// are live only then). Pure, from the store state.
import type { AppStatus } from '../../src-shared/contracts/ipc';
import type { StoreState } from '../store/types';

export function computeAppStatus(s: StoreState): AppStatus {
  const call = s.call.call;
  const callActive =
    !!call && (call.state === 'DIALING' || call.state === 'RINGING' || call.state === 'CONNECTED');
  const dispositionPending = !!s.ui.dispo;
  const session = s.session.session;
  const sessionState = session && s.session.phase !== 'none' ? session.state : null;
  let tray: AppStatus['tray'];
  if (s.auth.phase !== 'signed-in') tray = 'signed-out';
  else if (!s.connection.apiReachable || s.connection.socket === 'reconnecting') tray = 'offline';
  else if (dispositionPending) tray = 'disposition-pending';
  else if (call?.state === 'CONNECTED') tray = 'on-call';
  else if (callActive) tray = 'dialing';
  else if (sessionState === 'PLAY') tray = 'idle';
  else tray = 'paused';
  return { tray, callActive, dispositionPending, sessionState };
}
