// The demo's agents, shared by both emulator commands (and usable by the one-command demo) so the Sheets
// router and the Dialpad users agree on emails and Dialpad user ids.

export interface DemoAgent {
  email: string;
  name: string;
  /** Dialpad user id (int64 as a string, as the router's DialpadUserID column holds it). */
  dialpadUserId: string;
  campaignName: string;
}

export const DEMO_AGENTS: readonly DemoAgent[] = [
  {
    email: 'ana@demo.turbodialer.example',
    name: 'Ana Ortiz',
    dialpadUserId: '5714926319624192',
    campaignName: 'Spring Solar',
  },
  {
    email: 'ben@demo.turbodialer.example',
    name: 'Ben Carter',
    dialpadUserId: '6270519872536576',
    campaignName: 'Spring Solar',
  },
  {
    email: 'chloe@demo.turbodialer.example',
    name: 'Chloe Nguyen',
    dialpadUserId: '4831023648256000',
    campaignName: 'Roof Renewals',
  },
];

/** Default spreadsheet id of the demo router (and, by default, of the agent tabs too). */
export const DEMO_ROUTER_SPREADSHEET_ID = 'demo-router-1x2y3z';

/** The demo's supervisors (the router spreadsheet's `Supervisors` tab): Maya leads every campaign, Omar only
 *  Roof Renewals. */
export interface DemoSupervisor {
  email: string;
  name: string;
  /** Campaign names, or ['*'] for every campaign. */
  campaigns: string[];
}

export const DEMO_SUPERVISORS: readonly DemoSupervisor[] = [
  { email: 'maya@demo.turbodialer.example', name: 'Maya Brooks', campaigns: ['*'] },
  { email: 'omar@demo.turbodialer.example', name: 'Omar Haddad', campaigns: ['Roof Renewals'] },
];
