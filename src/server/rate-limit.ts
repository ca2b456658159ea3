/** What a limiter answers for one request. */
export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * A token bucket per caller: `perMinute` tokens refilled evenly over a minute, bursts up to
 * the same number. Two kinds keep the buckets: this process's memory (`RateLimiter`, for
 * SQLite, where the service is one process by nature) and the database
 * (`SharedRateLimiter` in shared-rate-limit.ts, for PostgreSQL, where several instances
 * count against one bucket per key).
 */
export interface CallerLimiter {
  /** Takes one token; when none is left, the seconds until one is. */
  take(caller: string): RateDecision | Promise<RateDecision>;
  /** Whether a token is left, without taking it: for work that spends one only if it fails (an unknown key). */
  check(caller: string): RateDecision | Promise<RateDecision>;
}

/** Seconds until a bucket holding `tokens` (less than one) has one again. */
export function retryAfterSeconds(tokens: number, perMinute: number): number {
  return Math.max(1, Math.ceil(((1 - tokens) * 60) / perMinute));
}

/** The buckets in this process's memory: one instance's view. */
export class RateLimiter implements CallerLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  take(caller: string): RateDecision {
    const bucket = this.refilled(caller);
    const decision = this.decide(bucket.tokens);
    if (decision.allowed) bucket.tokens -= 1;
    return decision;
  }

  check(caller: string): RateDecision {
    return this.decide(this.refilled(caller).tokens);
  }

  private refilled(caller: string): { tokens: number; at: number } {
    const now = this.now();
    if (this.buckets.size > 100_000) this.forgetFull(now);
    const bucket = this.buckets.get(caller) ?? { tokens: this.perMinute, at: now };
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + (now - bucket.at) * (this.perMinute / 60_000));
    bucket.at = now;
    this.buckets.set(caller, bucket);
    return bucket;
  }

  private decide(tokens: number): RateDecision {
    if (tokens >= 1) return { allowed: true };
    return { allowed: false, retryAfterSeconds: retryAfterSeconds(tokens, this.perMinute) };
  }

  /** Buckets refilled to the brim say nothing: dropped, so that many one-off callers cannot grow the map without end. */
  private forgetFull(now: number): void {
    for (const [caller, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.at) * (this.perMinute / 60_000) >= this.perMinute)
        this.buckets.delete(caller);
    }
  }
}
