// Builds the official Google Sheets client (@googleapis/sheets, the same generated code as `googleapis`).
// `rootUrl` is set per service (a global google.options rootUrl was ignored by older versions, issue
// googleapis/google-api-nodejs-client#1921), so dev and tests reach the local emulator through the very
// same client code that production points at https://sheets.googleapis.com/.
//
// Auth: production = a service account through google-auth-library's GoogleAuth (key JSON in an env var,
// or a key file path); tests and the demo = an OAuth2Client holding a fixed access token (it never refreshes
// without an expiry date, so it works offline against the emulator).
import { auth, sheets, type sheets_v4 } from '@googleapis/sheets';
import { z } from 'zod';

// The google-auth-library classes as the Sheets client was built against (googleapis-common may carry its
// own copy of google-auth-library; using its AuthPlus keeps the types and the runtime classes identical).
type OAuth2Client = InstanceType<typeof auth.OAuth2>;
type GoogleAuth = InstanceType<typeof auth.GoogleAuth>;

export type SheetsClient = sheets_v4.Sheets;
export type SheetsAuth = NonNullable<sheets_v4.Options['auth']>;

export const SHEETS_SCOPES = ['https://www.googleapis.com/auth/spreadsheets'];

export function createSheetsClient(opts: { rootUrl?: string; auth: SheetsAuth }): SheetsClient {
  return sheets({
    version: 'v4',
    auth: opts.auth,
    ...(opts.rootUrl ? { rootUrl: opts.rootUrl.endsWith('/') ? opts.rootUrl : `${opts.rootUrl}/` } : {}),
  });
}

/** Tests and the demo: sends `Authorization: Bearer <token>` and never tries to refresh it. */
export function staticTokenAuth(accessToken: string): OAuth2Client {
  const client = new auth.OAuth2();
  client.setCredentials({ access_token: accessToken });
  return client;
}

const ServiceAccountKeySchema = z
  .object({
    type: z.literal('service_account'),
    client_email: z.string().email(),
    private_key: z.string().min(1),
  })
  .passthrough();

/**
 * Production: a service account from `GOOGLE_SERVICE_ACCOUNT_JSON` (the key JSON itself) or
 * `GOOGLE_APPLICATION_CREDENTIALS` (a key file path). Throws a clear error when neither is usable.
 * The key is never logged.
 */
export function serviceAccountAuth(env: Record<string, string | undefined> = process.env): GoogleAuth {
  const json = env.GOOGLE_SERVICE_ACCOUNT_JSON;
  if (json && json.trim() !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch {
      throw new Error('GOOGLE_SERVICE_ACCOUNT_JSON is not valid JSON');
    }
    const key = ServiceAccountKeySchema.safeParse(parsed);
    if (!key.success) {
      throw new Error(
        'GOOGLE_SERVICE_ACCOUNT_JSON is not a service account key (type, client_email, private_key)',
      );
    }
    return new auth.GoogleAuth({ credentials: key.data, scopes: SHEETS_SCOPES });
  }
  const keyFile = env.GOOGLE_APPLICATION_CREDENTIALS;
  if (keyFile && keyFile.trim() !== '') return new auth.GoogleAuth({ keyFile, scopes: SHEETS_SCOPES });
  throw new Error(
    'Google Sheets credentials missing: set GOOGLE_SERVICE_ACCOUNT_JSON or GOOGLE_APPLICATION_CREDENTIALS',
  );
}
