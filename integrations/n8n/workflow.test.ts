// The n8n forwarder must import as an n8n workflow and do one thing: take Dialpad's POST at the Webhook
// node (raw body kept) and forward it unchanged to the coordinator's /events/dialpad.
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
});

const workflow = WorkflowSchema.parse(
  JSON.parse(readFileSync(new URL('./dialpad-forwarder.json', import.meta.url), 'utf8')),
);

describe('n8n dialpad forwarder workflow', () => {
  const webhook = workflow.nodes.find((n) => n.type === 'n8n-nodes-base.webhook');
  const http = workflow.nodes.find((n) => n.type === 'n8n-nodes-base.httpRequest');

  it('has a v2 Webhook node on POST /dialpad-events with the raw body kept', () => {
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

  it('forwards the raw body with its Content-Type and X-Forwarded-By to the coordinator /events/dialpad', () => {
    expect(http?.typeVersion).toBe(4.2);
    const p = HttpParams.parse(http?.parameters);
    expect(p.url).toMatch(/^=\{\{\s*\$env\.TURBO_COORDINATOR_URL\s*\}\}\/events\/dialpad$/);
    const headers = Object.fromEntries(
      p.headerParameters.parameters.map((h) => [h.name.toLowerCase(), h.value]),
    );
    expect(headers['x-forwarded-by']).toBe('n8n');
    expect(headers['content-type']).toMatch(/\$json\.headers\["content-type"\]/);
  });
});
