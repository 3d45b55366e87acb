package io.flotilla.chaos.nemesis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * When each fault starts, how long it lasts, which nemesis it is, and the seed of the choices it
 * makes (which nodes). A pure function of the seed, the nemeses and the run's length, so a seed
 * replays the same schedule. The nemeses come in rounds, each a seeded shuffle of all of them,
 * so a run long enough for one round exercises every one. Faults never overlap; the first
 * waits for the cluster to warm up and the last heals before the end.
 */
public record NemesisSchedule(long seed, List<Step> steps) {

  public record Step(long startMillis, long durationMillis, String nemesis, long choiceSeed) {}

  private static final long WARM_UP_MILLIS = 3_000;
  private static final long COOL_DOWN_MILLIS = 2_000;

  public NemesisSchedule {
    steps = List.copyOf(steps);
  }

  /** How long a run must last for every nemesis to run once. */
  public static Duration oneRound(int nemeses) {
    return Duration.ofMillis(WARM_UP_MILLIS + COOL_DOWN_MILLIS + nemeses * 10_000L);
  }

  public static NemesisSchedule generate(long seed, List<String> nemeses, Duration time) {
    Random random = new Random(seed);
    List<Step> steps = new ArrayList<>();
    long end = time.toMillis() - COOL_DOWN_MILLIS;
    long t = WARM_UP_MILLIS;
    List<String> round = new ArrayList<>();
    while (!nemeses.isEmpty() && t + 1_000 <= end) {
      if (round.isEmpty()) {
        round.addAll(nemeses);
        Collections.shuffle(round, random);
      }
      String nemesis = round.remove(0);
      long duration = Math.min(Math.max(3_000 + random.nextInt(3_000),
          Nemeses.MINIMUM_MILLIS.getOrDefault(nemesis, 0L)), end - t);
      steps.add(new Step(t, duration, nemesis, random.nextLong()));
      t += duration + 2_000 + random.nextInt(2_000);
    }
    return new NemesisSchedule(seed, steps);
  }
}
