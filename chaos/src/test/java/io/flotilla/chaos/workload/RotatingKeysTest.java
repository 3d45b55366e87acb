package io.flotilla.chaos.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RotatingKeysTest {

  private static List<String> keysOf(RotatingKeys keys, int process, long seed, int ops) {
    Random random = new Random(seed);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < ops; i++) {
      out.add(keys.next(random, process));
    }
    return out;
  }

  @Test
  void aClientUsesAFewLiveKeysAndThenMovesToFreshOnes() {
    List<String> keys = keysOf(new RotatingKeys("r", 5, 40), 0, 1, 120);

    for (int g = 0; g < 3; g++) {
      long generation = g;
      List<String> used = keys.subList(40 * g, 40 * (g + 1));
      assertThat(new HashSet<>(used)).hasSizeBetween(2, 5)
          .allSatisfy(k -> assertThat(Long.parseLong(k.substring(1)) / 5).isEqualTo(generation));
    }
  }

  @Test
  void clientsShareTheKeysOfAGenerationAndEachClientsKeysFollowFromItsSeed() {
    RotatingKeys shared = new RotatingKeys("list", 3, 30);
    List<String> first = keysOf(shared, 0, 7, 30);
    List<String> second = keysOf(shared, 1, 8, 30);

    assertThat(new HashSet<>(first)).containsAnyElementsOf(second);
    assertThat(keysOf(new RotatingKeys("list", 3, 30), 1, 8, 30)).isEqualTo(second);
  }
}
