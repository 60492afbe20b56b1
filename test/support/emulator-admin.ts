// The emulators' admin APIs as tests use them (API integration tests and the browser suite alike): end the
// Dialpad call that carries our call id, read an agent tab's cells from the Sheets emulator.
export async function adminJson<T = unknown>(baseUrl: string, path: string, init?: RequestInit): Promise<T> {
  const url = new URL(path.replace(/^\//, ''), baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  const res = await fetch(url, {
    ...init,
    headers: { 'Content-Type': 'application/json', ...(init?.headers ?? {}) },
  });
  if (!res.ok) throw new Error(`${init?.method ?? 'GET'} ${url} → ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export interface EmulatedCall {
  call_id: number;
  state: string;
  custom_data: string | null;
  date_ended: number | null;
}

export async function emulatedCalls(dialpadUrl: string): Promise<EmulatedCall[]> {
  return (await adminJson<{ calls: EmulatedCall[] }>(dialpadUrl, '/__emulator/calls')).calls;
}

/** Ends the emulated call carrying our call id (the emulator then posts its signed webhook). */
export async function endCall(
  dialpadUrl: string,
  callId: string,
  state: 'hangup' | 'voicemail' | 'missed',
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const call = (await emulatedCalls(dialpadUrl)).find((c) => c.custom_data?.includes(callId));
    if (call) {
      await adminJson(dialpadUrl, `/__emulator/calls/${call.call_id}/end`, {
        method: 'POST',
        body: JSON.stringify({ state }),
      });
      return;
    }
    if (Date.now() > deadline) throw new Error(`no emulated call carries ${callId}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A tab's cell values as the Sheets emulator holds them (rows from row 1). */
export async function tabValues(
  sheetsUrl: string,
  spreadsheetId: string,
  title: string,
): Promise<string[][]> {
  const r = await adminJson<{ values: ((string | number | boolean | null)[] | null)[] }>(
    sheetsUrl,
    `/__emulator/spreadsheets/${encodeURIComponent(spreadsheetId)}/tabs/${encodeURIComponent(title)}/values`,
  );
  // Empty rows and cells come back as null (sparse grid).
  return r.values.map((row) => (row ?? []).map((v) => (v === null ? '' : String(v))));
}

/** Agent tab columns: RowID, Name, Num1..10 (C..L), Status1..10 (M..V), Notes, LastOutcome, AttemptCount, NextIndex. */
export const COL = { status: (i: number) => 12 + i, notes: 22, lastOutcome: 23, attemptCount: 24 } as const;
