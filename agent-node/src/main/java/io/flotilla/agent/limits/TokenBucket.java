package io.flotilla.agent.limits;

/**
 * Requests a client may still make: the bucket holds up to {@code burst} tokens, refills at
 * {@code perSecond}, and each request takes one. Not thread-safe; its client's lock guards it.
 */
final class TokenBucket {
  private final double perNano;
  private final double capacity;
  private double tokens;
  private long refilledAt;

  TokenBucket(int perSecond, int burst, long nowNanos) {
    this.perNano = perSecond / 1e9;
    this.capacity = burst;
    this.tokens = burst;
    this.refilledAt = nowNanos;
  }

  /** Takes a token if one is left. */
  boolean take(long nowNanos) {
    refill(nowNanos);
    if (tokens < 1) {
      return false;
    }
    tokens -= 1;
    return true;
  }

  /** Whether the bucket is back to its burst, so forgetting it gives the client nothing. */
  boolean full(long nowNanos) {
    refill(nowNanos);
    return tokens >= capacity;
  }

  private void refill(long nowNanos) {
    // Callers read the clock before taking the lock, so time can appear to step back a little.
    if (nowNanos > refilledAt) {
      tokens = Math.min(capacity, tokens + (nowNanos - refilledAt) * perNano);
      refilledAt = nowNanos;
    }
  }
}
