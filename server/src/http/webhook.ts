// POST /events/dialpad: the raw body (a compact JWT signed with the webhook secret, or JSON from n8n) goes
// to the verifier first (bad signature → 401, nothing changed), then the deduper (a redelivery → 200, not
// applied twice), then the DialerService.
import express, { type Express, type Request, type Response } from 'express';
import type { DialpadCallEvent } from '../../../src-shared/contracts/dialpad.js';
import type { CoordinatorMetrics } from '../metrics/metrics.js';
import type { DialerService, DialpadWebhookVerifier } from '../ports.js';
import { ctxOf } from './context.js';

/** true the first time an event is seen (across instances), false for a redelivery. */
export type WebhookDedupe = (event: DialpadCallEvent, now: number) => Promise<boolean>;

export interface WebhookDeps {
  verifier: DialpadWebhookVerifier;
  isFirstDelivery: WebhookDedupe;
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
      if (!(await d.isFirstDelivery(event, now))) {
        d.metrics.webhooks.inc({ result: 'duplicate' });
        log.info('duplicate webhook ignored');
        res.json({ ok: true, duplicate: true });
        return;
      }
      await d.service.onDialpadEvent(event, now);
      d.metrics.webhooks.inc({ result: 'accepted' });
      log.info('webhook applied');
      res.json({ ok: true });
    },
  );
}
