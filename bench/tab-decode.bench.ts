// What one periodic tab refresh costs the coordinator's event loop to decode, at 500 agent tabs of 100
// leads (the bench:load fixture), step by step: JSON.parse of the one batched answer, the cell check
// (decodeValues vs the zod schema it short-cuts), parseAgentRows on a cold and on a warm phone memo, and
// the lead comparison of a rebuild (sameJson vs two JSON.stringify per lead). Prints one JSON object (ms).
// Usage: npx tsx bench/tab-decode.bench.ts [--agents 500] [--leads 100]
import { sameJson } from '../server/src/service/tab-cache.js';
import { decodeValues, ValuesSchema } from '../server/src/sheets/tab-titles.js';
import { parseAgentRows } from '../src-shared/domain/sheet-codec.js';
import { benchSheetsFixture } from './load/fixture.js';
import { numberArg } from './cli-args.js';

const agents = numberArg('agents', 500);
const leads = numberArg('leads', 100);

const fixture = benchSheetsFixture(agents, leads);
const tabs = fixture.spreadsheets[0]?.sheets.slice(1) ?? [];
const body = JSON.stringify({
  valueRanges: tabs.map((t) => ({ valueRange: { range: `'${t.title}'!A1:AZ`, values: t.rows } })),
});

const time = <T>(run: () => T): [T, number] => {
  const started = performance.now();
  const out = run();
  return [out, Math.round((performance.now() - started) * 10) / 10];
};

const [answer, jsonParseMs] = time(
  () => JSON.parse(body) as { valueRanges: { valueRange: { values: unknown } }[] },
);
const raw = answer.valueRanges.map((r) => r.valueRange.values);
const [, zodValuesMs] = time(() => raw.map((v) => ValuesSchema.parse(v)));
const [grids, decodeValuesMs] = time(() => raw.map((v) => decodeValues(v)));
const [decoded, parseColdMs] = time(() => grids.map((g) => parseAgentRows(g)));
const [again, parseWarmMs] = time(() => grids.map((g) => parseAgentRows(g)));
const pairs = decoded.flatMap((d, i) => d.leads.map((l, j) => [l, again[i]?.leads[j]] as const));
const [, stringifyCompareMs] = time(() => pairs.filter(([a, b]) => JSON.stringify(a) !== JSON.stringify(b)));
const [, sameJsonMs] = time(() => pairs.filter(([a, b]) => !sameJson(a, b)));

console.log(
  JSON.stringify({
    agents,
    leadsPerTab: leads,
    bodyMb: Math.round(body.length / 1e5) / 10,
    ms: {
      jsonParse: jsonParseMs,
      zodValues: zodValuesMs,
      decodeValues: decodeValuesMs,
      parseAgentRowsColdPhoneMemo: parseColdMs,
      parseAgentRowsWarmPhoneMemo: parseWarmMs,
      leadCompareStringify: stringifyCompareMs,
      leadCompareSameJson: sameJsonMs,
    },
  }),
);
