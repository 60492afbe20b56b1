// One circuit breaker per upstream (Google Sheets, Dialpad), built on cockatiel (not hand-rolled). After
// `threshold` consecutive upstream failures the breaker opens and calls fail fast with BrokenCircuitError;
// after `halfOpenAfterMs` the next call is a trial (half-open) that closes or re-opens it. Only failures of
// the upstream itself count (5xx, timeouts, network errors: the caller says which through `isFailure`); a
// 4xx answer proves the upstream is up and never opens the breaker. The state is observable for /readyz and
// metrics. Note cockatiel moves open → half-open lazily, on the first call after the delay.
import {
  BrokenCircuitError,
  type CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhen,
  IsolatedCircuitError,
} from 'cockatiel';

export type BreakerState = 'closed' | 'open' | 'half-open';
export type UpstreamName = 'sheets' | 'dialpad';

export interface BreakerOptions {
  /** Consecutive failures that open the breaker. Default 5. */
  threshold?: number;
  /** How long it stays open before a trial call. Default 10 s. */
  halfOpenAfterMs?: number;
}

export interface UpstreamBreaker {
  readonly name: UpstreamName;
  state(): BreakerState;
  /** Runs `fn` through the breaker; throws BrokenCircuitError (see isBreakerOpenError) when open. */
  execute<T>(fn: () => Promise<T>): Promise<T>;
  /** Subscribes to state changes; returns an unsubscribe function. */
  onStateChange(listener: (state: BreakerState) => void): () => void;
}

function toState(s: CircuitState): BreakerState {
  switch (s) {
    case CircuitState.Closed:
      return 'closed';
    case CircuitState.HalfOpen:
      return 'half-open';
    default:
      return 'open'; // Open and Isolated (held open by hand) both refuse calls
  }
}

export function isBreakerOpenError(err: unknown): boolean {
  return err instanceof BrokenCircuitError || err instanceof IsolatedCircuitError;
}

export function createBreaker(
  name: UpstreamName,
  isFailure: (err: Error) => boolean,
  opts: BreakerOptions = {},
): UpstreamBreaker {
  const policy: CircuitBreakerPolicy = circuitBreaker(handleWhen(isFailure), {
    breaker: new ConsecutiveBreaker(opts.threshold ?? 5),
    halfOpenAfter: opts.halfOpenAfterMs ?? 10_000,
  });
  return {
    name,
    state: () => toState(policy.state),
    execute: (fn) => policy.execute(() => fn()),
    onStateChange(listener) {
      const sub = policy.onStateChange((s) => listener(toState(s)));
      return () => sub.dispose();
    },
  };
}
