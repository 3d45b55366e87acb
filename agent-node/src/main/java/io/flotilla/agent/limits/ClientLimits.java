package io.flotilla.agent.limits;

/**
 * How much of one node's API a single client may use, the {@code client-limits:} section of
 * the configuration. A client is who {@link io.flotilla.agent.calls.Caller} names: the common
 * name of its certificate under mutual TLS, else its IP address, so every process on one
 * machine is one client. Each node counts on its own. A request over a limit is refused with
 * {@code RESOURCE_EXHAUSTED} naming the limit, before it can change anything.
 *
 * <p>The defaults stop only a runaway or hostile client: {@code flotilla bench}, which drives
 * every request of a run from one address, stays well under them. Zero turns a limit off.
 *
 * @param requestsPerSecond requests a client may make per second, sustained: each call is one,
 *     and so is each message on a stream after its first
 * @param burst requests a client may make at once beyond the sustained rate (a token bucket of
 *     this size, refilled at the rate)
 * @param watches watches a client may hold at once: each watch of a Watch stream, and each
 *     Election Observe call
 * @param leases live leases a client may hold that it was granted through this node
 */
public record ClientLimits(int requestsPerSecond, int burst, int watches, int leases) {
  public static final ClientLimits DEFAULT = new ClientLimits(50_000, 50_000, 1_000, 1_000);

  public ClientLimits {
    notNegative("requests-per-second", requestsPerSecond);
    notNegative("watches", watches);
    notNegative("leases", leases);
    if (burst < 0 || (requestsPerSecond > 0 && burst < 1)) {
      throw new IllegalArgumentException("burst must be at least 1 (got " + burst + ")");
    }
  }

  private static void notNegative(String key, int value) {
    if (value < 0) {
      throw new IllegalArgumentException(key + " must not be negative (got " + value
          + "; 0 turns the limit off)");
    }
  }
}
