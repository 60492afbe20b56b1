// POST /events/dialpad: the raw body (a compact JWT signed with the webhook secret, or JSON from n8n) goes
// to the verifier first (bad signature → 401, nothing changed), then the deduper by event id (a redelivery
// → 200, not applied twice), then the DialerService. If the service fails, the claim is released so the
// sender's retry is applied instead of being dropped as a duplicate.
import express, { type Express, type Request, type Response } from 'express';
import type { DialpadCallEvent } from '../../../src-shared/contracts/dialpad.js';
import { eventIdOf } from '../dialpad/call-state.js';
import type { WebhookDeduper } from '../dialpad/webhook-deduper.js';
import type { CoordinatorMetrics } from '../metrics/metrics.js';
import type { DialerService, DialpadWebhookVerifier } from '../ports.js';
import { ctxOf } from './context.js';

export interface WebhookDeps {
  verifier: DialpadWebhookVerifier;
  deduper: WebhookDeduper;
  service: DialerService;
  metrics: CoordinatorMetrics;
  clock: () => number;
}

export const DIALPAD_WEBHOOK_PATH = '/events/dialpad';

export function registerWebhookRoute(app: Express, d: WebhookDeps): void {
  app.post(
    DIALPAD_WEBHOOK_PATH,
    express.raw({ type: () => true, limit: '256kb' }),
    async (req: Request, res: Response) => {
      const ctx = ctxOf(res);
      ctx.route = DIALPAD_WEBHOOK_PATH;
      const now = d.clock();
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      let event: DialpadCallEvent;
      try {
        event = await d.verifier.verify(raw, req.get('content-type'), now);
      } catch (e) {
        d.metrics.webhooks.inc({ result: 'rejected' });
        throw e;
      }
      const log = ctx.log.child({ callId: event.call_id, state: event.state });
      const eventId = eventIdOf(event);
      if (!(await d.deduper.firstSeen(eventId, now))) {
        d.metrics.webhooks.inc({ result: 'duplicate' });
        log.info('duplicate webhook ignored');
        res.json({ ok: true, duplicate: true });
        return;
      }
      try {
        await d.service.onDialpadEvent(event, now);
      } catch (e) {
        await d.deduper.release(eventId).catch(() => {});
        throw e;
      }
      d.metrics.webhooks.inc({ result: 'accepted' });
      log.info('webhook applied');
      res.json({ ok: true });
    },
  );
}
