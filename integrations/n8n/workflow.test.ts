// The n8n forwarder must import as an n8n workflow and do one thing: take Dialpad's POST at the Webhook
// node (raw body kept), forward it unchanged to the coordinator's /events/dialpad (retrying a failure), and
// answer the sender with the coordinator's own status, without reading the environment. Checked on the
// file's structure and by evaluating the Respond nodes' expressions (n8n itself does not run here).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

/** The importable workflow format (docs.n8n.io export-import; connections keyed by node name). */
const NodeSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  type: z.string().regex(/^[\w-]+\.[\w]+$/),
  typeVersion: z.number(),
  position: z.tuple([z.number(), z.number()]),
  parameters: z.record(z.string(), z.unknown()),
  webhookId: z.string().optional(),
  credentials: z.record(z.string(), z.unknown()).optional(),
  // Node settings (the editor's Settings tab).
  retryOnFail: z.boolean().optional(),
  maxTries: z.number().optional(),
  waitBetweenTries: z.number().optional(),
  onError: z.enum(['stopWorkflow', 'continueRegularOutput', 'continueErrorOutput']).optional(),
});
const ConnectionSchema = z.object({
  node: z.string(),
  type: z.literal('main'),
  index: z.number().int().min(0),
});
const WorkflowSchema = z.object({
  name: z.string().min(1),
  nodes: z.array(NodeSchema).min(1),
  connections: z.record(z.string(), z.object({ main: z.array(z.array(ConnectionSchema)) })),
  settings: z.record(z.string(), z.unknown()).optional(),
  pinData: z.record(z.string(), z.unknown()).optional(),
  active: z.boolean().optional(),
});

const WebhookParams = z.object({
  httpMethod: z.literal('POST'),
  path: z.literal('dialpad-events'),
  // The sender gets the coordinator's answer, not an early 200 (an event the coordinator refused or never
  // got must not look delivered).
  responseMode: z.literal('responseNode'),
  options: z.object({ rawBody: z.literal(true) }).passthrough(),
});
const HttpParams = z.object({
  method: z.literal('POST'),
  url: z.string(),
  sendHeaders: z.literal(true),
  headerParameters: z.object({ parameters: z.array(z.object({ name: z.string(), value: z.string() })) }),
  sendBody: z.literal(true),
  contentType: z.literal('binaryData'),
  inputDataFieldName: z.literal('data'),
  options: z.object({
    timeout: z.number().int().positive(),
    response: z.object({ response: z.object({ fullResponse: z.literal(true) }).passthrough() }),
  }),
});
const RespondParams = z.object({
  respondWith: z.literal('text'),
  responseBody: z.string().startsWith('={{'),
  options: z.object({ responseCode: z.string().startsWith('={{') }).passthrough(),
});

const text = readFileSync(new URL('./dialpad-forwarder.json', import.meta.url), 'utf8');
const workflow = WorkflowSchema.parse(JSON.parse(text));

/** Evaluates an n8n `={{ expr }}` that only reads `$json` (plain JavaScript), as n8n would for one item. */
function evalExpression(expr: string, json: unknown): unknown {
  const m = /^=\{\{([\s\S]*)\}\}$/.exec(expr);
  if (!m?.[1]) throw new Error(`not an expression: ${expr}`);
  return new Function('$json', `return (${m[1]});`)(json);
}

describe('n8n dialpad forwarder workflow', () => {
  const webhook = workflow.nodes.find((n) => n.type === 'n8n-nodes-base.webhook');
  const http = workflow.nodes.find((n) => n.type === 'n8n-nodes-base.httpRequest');
  const outputs = workflow.connections[http?.name ?? '']?.main ?? [];
  const nodeNamed = (name: string | undefined) => workflow.nodes.find((n) => n.name === name);
  const onSuccess = nodeNamed(outputs[0]?.[0]?.node);
  const onFailure = nodeNamed(outputs[1]?.[0]?.node);

  it('has a v2 Webhook node on POST /dialpad-events, raw body kept, answering from a Respond node', () => {
    expect(webhook?.typeVersion).toBe(2);
    expect(webhook?.webhookId).toBeTruthy();
    WebhookParams.parse(webhook?.parameters);
  });

  it('connects the Webhook node to the HTTP Request node by name', () => {
    expect(workflow.connections[webhook?.name ?? '']?.main[0]).toEqual([
      { node: http?.name, type: 'main', index: 0 },
    ]);
    expect(new Set(workflow.nodes.map((n) => n.name)).size).toBe(workflow.nodes.length);
  });

  it('reads no environment variable (works with N8N_BLOCK_ENV_ACCESS_IN_NODE=true)', () => {
    expect(text).not.toMatch(/\$env|process\.env/);
    const p = HttpParams.parse(http?.parameters);
    expect(p.url).toMatch(/^https?:\/\/[^{}\s]+\/events\/dialpad$/);
  });

  it('forwards the raw body with its Content-Type and X-Forwarded-By', () => {
    expect(http?.typeVersion).toBe(4.2);
    const p = HttpParams.parse(http?.parameters);
    const headers = Object.fromEntries(
      p.headerParameters.parameters.map((h) => [h.name.toLowerCase(), h.value]),
    );
    expect(headers['x-forwarded-by']).toBe('n8n');
    expect(headers['content-type']).toMatch(/\$json\.headers\["content-type"\]/);
  });

  it('retries a failed forward, then routes the failure to its own answer', () => {
    const settings = z
      .object({
        retryOnFail: z.literal(true),
        maxTries: z.number().int().min(3).max(5),
        waitBetweenTries: z.number().int().min(1000).max(5000),
        onError: z.literal('continueErrorOutput'),
      })
      .parse(http);
    // Worst case (every try times out) stays well under a minute.
    const p = HttpParams.parse(http?.parameters);
    expect(
      settings.maxTries * p.options.timeout + (settings.maxTries - 1) * settings.waitBetweenTries,
    ).toBeLessThan(60_000);
    expect(outputs).toHaveLength(2);
    expect(onSuccess?.type).toBe('n8n-nodes-base.respondToWebhook');
    expect(onFailure?.type).toBe('n8n-nodes-base.respondToWebhook');
  });

  it("answers the sender with the coordinator's own status and body", () => {
    const ok = RespondParams.parse(onSuccess?.parameters);
    for (const [status, body] of [
      [200, '{"ok":true}'],
      [200, '{"ok":true,"duplicate":true}'],
    ] as const) {
      const json = { statusCode: status, headers: {}, body };
      expect(evalExpression(ok.options.responseCode, json)).toBe(status);
      expect(evalExpression(ok.responseBody, json)).toBe(body);
    }
    const failed = RespondParams.parse(onFailure?.parameters);
    // A refusal after the retries (401 bad signature, 503 Redis down) keeps its status; an unreachable
    // coordinator (no HTTP status) is a 502: never a 200.
    expect(evalExpression(failed.options.responseCode, { error: { httpCode: '401', message: 'x' } })).toBe(
      401,
    );
    expect(evalExpression(failed.options.responseCode, { error: { httpCode: '503', message: 'x' } })).toBe(
      503,
    );
    expect(evalExpression(failed.options.responseCode, { error: { message: 'ECONNREFUSED' } })).toBe(502);
    expect(
      JSON.parse(String(evalExpression(failed.responseBody, { error: { message: 'ECONNREFUSED' } }))),
    ).toEqual({
      error: { code: 'FORWARD_FAILED', message: 'ECONNREFUSED' },
    });
  });
});
