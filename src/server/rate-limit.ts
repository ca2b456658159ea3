/**
 * A token bucket per caller: `perMinute` tokens refilled evenly over a
 * minute, bursts up to the same number. Kept in memory: one instance's
 * view (behind a load balancer each instance limits its share).
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one token; when none is left, the seconds until one is. */
  take(caller: string): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
    const bucket = this.refilled(caller);
    const decision = this.decide(bucket.tokens);
    if (decision.allowed) bucket.tokens -= 1;
    return decision;
  }

  /** Whether a token is left, without taking it: for work that spends one only if it fails (an unknown key). */
  check(caller: string): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
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

  private decide(tokens: number): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
    if (tokens >= 1) return { allowed: true };
    const rate = this.perMinute / 60_000;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / rate / 1000)) };
  }

  /** Buckets refilled to the brim say nothing: dropped, so that many one-off callers cannot grow the map without end. */
  private forgetFull(now: number): void {
    for (const [caller, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.at) * (this.perMinute / 60_000) >= this.perMinute)
        this.buckets.delete(caller);
    }
  }
}
