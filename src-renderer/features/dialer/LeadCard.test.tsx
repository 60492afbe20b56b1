// The lead card uses its space: the row's own columns by header name, and a note typed during the call that
// goes out with the disposition (the modal shows the same text). Typing in it never triggers a key.
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { LeadPreview } from '../../../src-shared/contracts/views';
import { callView, leadPreview, sessionView, snapshot, T0 } from '../../test/fixtures';
import { R, mountApp, signedIn } from '../../test/harness';

const withExtras = (): LeadPreview => {
  const p = leadPreview('L1', 'Aisha Chen');
  return {
    ...p,
    lead: {
      ...p.lead,
      extra: [
        { header: 'Company', value: 'Brightline Roofing' },
        { header: 'Address', value: '12 Elm St, Austin, TX' },
      ],
    },
  };
};

function setup() {
  const h = mountApp((s) =>
    R.applySnapshot(
      signedIn(s),
      snapshot({
        call: callView({ state: 'CONNECTED', ringingAt: T0 + 1500, connectedAt: T0 + 2000 }),
        preview: withExtras(),
        session: sessionView({ state: 'PLAY' }),
      }),
    ),
  );
  return h;
}

describe('lead card', () => {
  it('shows the row’s own columns by their header names', () => {
    setup();
    const dl = within(screen.getByLabelText('Lead details'));
    expect(dl.getByText('Company').nextSibling?.textContent).toBe('Brightline Roofing');
    expect(dl.getByText('Address').nextSibling?.textContent).toBe('12 Elm St, Austin, TX');
  });

  it('a note typed during the call is in the modal and sent with the disposition', async () => {
    const { user, server } = setup();
    await user.click(screen.getByLabelText('Your note for this call'));
    await user.keyboard('Call back after 5, h 1 2');
    expect(server.requests.filter((r) => r.path === '/call/hangup' || r.path === '/session/state')).toEqual(
      [],
    ); // typing never triggers H, 1, 2 or Space
    await user.click(screen.getByRole('button', { name: /hang up/i }));
    const modalNotes = within(screen.getByRole('dialog')).getByLabelText(/notes/i) as HTMLTextAreaElement;
    expect(modalNotes.value).toBe('Call back after 5, h 1 2');
    await user.click(screen.getByRole('radio', { name: /correct person/i }));
    await user.click(screen.getByRole('button', { name: /confirm/i }));
    await waitFor(() => expect(server.requests.some((r) => r.path === '/disposition')).toBe(true));
    expect(server.requests.find((r) => r.path === '/disposition')?.body).toEqual({
      callId: 'call-1',
      code: 'CORRECT',
      notes: 'Call back after 5, h 1 2',
    });
  });
});
