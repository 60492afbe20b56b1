// Every error the agent can meet, in plain words with what to do next. Keys are the coordinator's
// ApiErrorBody codes (src-shared/contracts/errors.ts) plus the client's own NETWORK / BAD_RESPONSE / CLIENT.
// The server's message is shown below this text, small; a stack trace never reaches the screen.

export interface ErrorText {
  title: string;
  action: string;
}

const TEXT: Record<string, ErrorText> = {
  NETWORK: {
    title: 'The dialer server cannot be reached',
    action:
      'Check your network. Your work is kept on this computer and sent automatically when the connection is back.',
  },
  BAD_RESPONSE: {
    title: 'The dialer server sent an answer this app does not understand',
    action: 'Reload the app. If it keeps happening, the app may need an update: tell IT.',
  },
  CLIENT: {
    title: 'Something went wrong in this window',
    action: 'Reload the app (Ctrl+R). Your session and any unsent disposition are kept.',
  },
  UNAUTHENTICATED: { title: 'You are signed out', action: 'Sign in again to continue dialing.' },
  TOKEN_EXPIRED: { title: 'Your sign-in expired', action: 'Sign in again to continue dialing.' },
  FORBIDDEN: { title: 'This action is not allowed for your account', action: 'Ask your team lead or IT.' },
  SUPERVISOR_PAUSED: {
    title: 'Your team lead paused your session',
    action: 'Finish the call on screen if there is one. Press Space to resume dialing when you are ready.',
  },
  AGENT_SIGNED_OUT: {
    title: 'Your team lead signed you out',
    action: 'Your work so far is saved. Sign in again when your team lead tells you to.',
  },
  AGENT_INACTIVE: {
    title: 'Your agent account is not active',
    action: 'Your row in the router sheet is marked inactive. Ask your team lead to set Active to TRUE.',
  },
  AGENT_NOT_IN_ROUTER: {
    title: 'Your email is not in the router sheet',
    action: 'Ask your team lead to add your email, Dialpad user id and lead sheet to the router.',
  },
  SHEET_HEADER_MISMATCH: {
    title: 'Your lead sheet has a wrong header',
    action:
      'A column in row 1 of your tab is missing or misspelled (see below). Ask your team lead to fix the header, then press Retry.',
  },
  SHEET_TAB_NOT_FOUND: {
    title: 'Your lead tab was not found',
    action: 'The tab in the router sheet does not exist any more. Ask your team lead to fix the TabId.',
  },
  SHEET_UNREADABLE: {
    title: 'Your lead sheet could not be read',
    action: 'Check that the sheet is shared with the dialer. Press Retry in a minute.',
  },
  SHEETS_UNAVAILABLE: {
    title: 'Google Sheets is not answering',
    action: 'Dialing continues; results are saved and written to the sheet when Google is back.',
  },
  DIALPAD_UNAVAILABLE: {
    title: 'Dialpad is unreachable',
    action:
      'Calls cannot start right now. Check that the Dialpad app is open and signed in, then press Play.',
  },
  DIALPAD_REJECTED: {
    title: 'Dialpad refused the call',
    action:
      'Make sure the Dialpad desktop or web app is open and you are not already on a call, then press Play.',
  },
  UPSTREAM_TIMEOUT: {
    // Dialpad's answer was lost or unreadable (a timeout, a dropped connection, a 500/502/504): it may have
    // acted, so the call is kept, never dialed again (docs/gateways.md).
    title: 'Dialpad did not confirm in time',
    action:
      'Dialpad may have acted anyway: check the Dialpad app before dialing this lead again (a call may be ringing or still live). The call stays on screen until Dialpad reports it or it times out.',
  },
  RATE_LIMITED: {
    title: 'Too many requests in a short time',
    action: 'Wait a few seconds; the app retries by itself.',
  },
  OUTSIDE_CALLING_HOURS: {
    title: 'Outside calling hours',
    action: 'No lead may be called right now. Dialing resumes when the calling window opens.',
  },
  NOTHING_TO_DIAL: {
    title: 'Nothing left to dial',
    action:
      'Every lead is done or waiting for a retry delay. Stay on Play to pick up retries, or ask for more leads.',
  },
  DO_NOT_CALL: {
    title: 'That number is on the do-not-call list',
    action: 'It was skipped. Press Play to continue.',
  },
  CALLBACKS_NOT_ENABLED: {
    title: 'Your lead sheet cannot hold callbacks',
    action:
      'Ask your team lead to add CallbackAt and CallbackAgent columns after NextIndex; confirm the disposition without the callback meanwhile.',
  },
  NO_ACTIVE_SESSION: { title: 'No dialing session is running', action: 'Press Start session.' },
  SESSION_ALREADY_ACTIVE: {
    title: 'You already have a session open elsewhere',
    action: 'Close the dialer on your other computer or tab, then press Retry.',
  },
  CALL_IN_PROGRESS: { title: 'A call is still in progress', action: 'Finish the current call first.' },
  NO_CALL_PENDING: {
    title: 'That call was already closed',
    action: 'Nothing to do: carry on with the next lead.',
  },
  CALL_NOT_FOUND: {
    title: 'That call is unknown to the server',
    action: 'Nothing to do: carry on with the next lead.',
  },
  INVALID_STATE: {
    title: 'That action does not fit the session right now',
    action: 'Wait a moment and try again.',
  },
  LOCKED: { title: 'The server is busy with your previous action', action: 'The app retries by itself.' },
  IDEMPOTENCY_IN_PROGRESS: {
    title: 'Your previous action is still being processed',
    action: 'The app retries by itself.',
  },
  IDEMPOTENCY_KEY_REUSED: {
    title: 'A repeated request did not match the first one',
    action: 'Reload the app. Tell IT if it happens again.',
  },
  VALIDATION_FAILED: {
    title: 'The server refused the request as malformed',
    action: 'Reload the app. Tell IT if it happens again.',
  },
  AMEND_WINDOW_PASSED: {
    title: 'That disposition can no longer be changed',
    action: 'The minutes to change it have passed. Ask your team lead to correct the row in the sheet.',
  },
  LEAD_CHANGED: {
    title: 'That lead changed after your disposition',
    action:
      'It was dialed again or edited in the sheet, so the disposition stays as it was. Ask your team lead to correct the row.',
  },
  NOT_LAST_CALL: {
    title: 'Only your last disposition can be changed',
    action: 'A later call was disposed since. Ask your team lead to correct the older row in the sheet.',
  },
  INTERNAL: {
    title: 'The dialer server had an internal error',
    action: 'Press Retry. Tell IT if it happens again.',
  },
};

export function describeError(code: string): ErrorText {
  return (
    TEXT[code] ?? {
      title: 'Something went wrong',
      action: 'Press Retry. If it keeps happening, reload the app and tell IT.',
    }
  );
}

/** Notices about something a person did (the team lead paused or signed the agent out): Retry would do
 *  nothing useful, so the banner offers only Dismiss. */
const NOT_RETRYABLE = new Set(['SUPERVISOR_PAUSED', 'AGENT_SIGNED_OUT']);

export function retryHelps(code: string): boolean {
  return !NOT_RETRYABLE.has(code);
}
