package io.flotilla.simulator.world;

import java.util.SplittableRandom;

/**
 * Decides, per message, whether it gets through and how long it takes. Link quality is worked
 * out lazily from the two agents' positions at send time, so its cost is O(1) per message and
 * nothing is computed for pairs that do not talk.
 *
 * <p>No link beyond the shorter of the two radio ranges. Within it, loss probability grows
 * quadratically with distance from {@code loss} to {@code edgeLoss}; latency is a base, plus a
 * part growing linearly with distance, plus uniform jitter.
 */
public final class RadioModel {
  /** {@link #transmit} outcomes other than a latency. */
  public static final long OUT_OF_RANGE = -1;
  public static final long LOST = -2;
  public static final long CUT = -3;

  private final double loss;
  private final double edgeLoss;
  private final long latency;
  private final long rangeLatency;
  private final long jitter;
  private final Partitions partitions;

  public RadioModel(double loss, double edgeLoss, long latencyMicros, long rangeLatencyMicros,
      long jitterMicros, Partitions partitions) {
    this.loss = loss;
    this.edgeLoss = edgeLoss;
    this.latency = latencyMicros;
    this.rangeLatency = rangeLatencyMicros;
    this.jitter = jitterMicros;
    this.partitions = partitions;
  }

  /**
   * Sends one message from {@code a} to {@code b} at {@code now}: the one-way latency in
   * microseconds, or {@link #OUT_OF_RANGE}, {@link #LOST} or {@link #CUT}.
   */
  public long transmit(Agent a, Agent b, long now, SplittableRandom random) {
    return transmit(a, b, Math.min(a.range(), b.range()), now, random);
  }

  /**
   * As {@link #transmit(Agent, Agent, long, SplittableRandom)}, over a link of the given
   * range: an uplink to a ground station reaches as far as the station's mast does.
   */
  public long transmit(Agent a, Agent b, double range, long now, SplittableRandom random) {
    Position pa = a.at(now);
    double ax = pa.x;
    double ay = pa.y;
    Position pb = b.at(now);
    double d = Math.hypot(ax - pb.x, ay - pb.y);
    if (d > range) {
      return OUT_OF_RANGE;
    }
    if (partitions.any() && partitions.separated(a.id(), ax, ay, b.id(), pb.x, pb.y)) {
      return CUT;
    }
    double f = d / range;
    double p = loss + (edgeLoss - loss) * f * f;
    if (p > 0 && random.nextDouble() < p) {
      return LOST;
    }
    long jit = jitter > 0 ? random.nextLong(jitter + 1) : 0;
    return latency + (long) (rangeLatency * f) + jit;
  }

  /**
   * The probability that a message from {@code a} to {@code b} sent at {@code now} arrives:
   * 0 out of range or across a cut, else one minus the loss at their distance.
   */
  public double delivery(Agent a, Agent b, long now) {
    Position pa = a.at(now);
    double ax = pa.x;
    double ay = pa.y;
    Position pb = b.at(now);
    double d = Math.hypot(ax - pb.x, ay - pb.y);
    double range = Math.min(a.range(), b.range());
    if (d > range || (partitions.any() && partitions.separated(a.id(), ax, ay, b.id(), pb.x,
        pb.y))) {
      return 0;
    }
    return 1 - lossAt(d, range);
  }

  /** The one-way latency in microseconds at {@code d} metres, before jitter. */
  public long latencyAt(double d, double range) {
    return latency + (long) (rangeLatency * (d / range));
  }

  /** The most jitter added to a latency, in microseconds (uniform from 0). */
  public long jitter() {
    return jitter;
  }

  /** The probability that a message between agents {@code d} metres apart is lost. */
  public double lossAt(double d, double range) {
    if (d > range) {
      return 1;
    }
    double f = d / range;
    return loss + (edgeLoss - loss) * f * f;
  }
}
