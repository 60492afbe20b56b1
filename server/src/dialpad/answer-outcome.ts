// What a non-2xx HTTP answer from Dialpad proves about the request it answers: `refused` (Dialpad did not
// act on it: nothing was placed or changed, so the caller may undo its own side) or `unknown` (it may have
// acted: a call may be ringing, so nothing may be undone on the strength of this answer).
//
// Dialpad documents the meaning of its 4xx codes (developers.dialpad.com/docs/http-status-code: 400 "the
// client should refrain from resubmitting", 403 "refusing action", 409 conflict...) but nothing about its
// 5xx, and initiate_call has no idempotency key, so the line is drawn by what each status can mean on the
// way from Dialpad's origin to us:
//   - 1xx-4xx, incl. 408 and 429: the server answering refused the request before acting on it (a rate
//     limit counts before it acts; a redirect acted on nothing). Refused.
//   - 503 WITH Retry-After: "currently unable to handle the request", come back later (RFC 9110 §15.6.4,
//     §10.2.3): load shedding or maintenance in front of the work. Refused.
//   - 503 WITHOUT Retry-After: most often the same, but proxies also answer it after the request was
//     forwarded (Envoy's "upstream connect error or disconnect/reset before headers", a reset of the
//     upstream connection that may have carried the request). Unknown.
//   - 502 (Bad Gateway) and 504 (Gateway Timeout): a gateway or load balancer in front of Dialpad that did
//     not get the origin's answer; the origin may have placed the call. Unknown.
//   - 500 and every other 5xx: the origin failed, possibly after acting (Twilio's docs say the same of its
//     own 500 on "trigger an outbound call": retrying may call the customer twice). Unknown.
// A refused answer and an unknown one both count as Dialpad failing for the breaker when they are 5xx
// (isDialpadFailure); only the undo differs.

export type AnswerOutcome = 'refused' | 'unknown';

export function outcomeOfAnswer(status: number, hasRetryAfter: boolean): AnswerOutcome {
  if (status < 500) return 'refused';
  if (status === 503 && hasRetryAfter) return 'refused';
  return 'unknown';
}
