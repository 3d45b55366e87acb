package io.flotilla.simulator.world;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WorldTest {
  private static final long SECOND = 1_000_000;

  private final Partitions partitions = new Partitions(3);
  private final RadioModel radio = new RadioModel(0.0, 0.5, 1000, 4000, 0, partitions);

  private static Agent at(int id, double x, double y) {
    return new Agent(id, "a" + id, new Stationary(x, y), 100);
  }

  @Test
  void beyondRangeThereIsNoLinkAndLatencyGrowsWithDistance() {
    SplittableRandom r = new SplittableRandom(1);
    Agent a = at(0, 0, 0);

    assertThat(radio.transmit(a, at(1, 101, 0), 0, r)).isEqualTo(RadioModel.OUT_OF_RANGE);
    assertThat(radio.transmit(a, at(1, 0, 0), 0, r)).isEqualTo(1000);
    assertThat(radio.transmit(a, at(1, 1, 0), 0, r)).isLessThan(1100);
    assertThat(radio.lossAt(0, 100)).isZero();
    assertThat(radio.lossAt(50, 100)).isEqualTo(0.125);
    assertThat(radio.lossAt(100, 100)).isEqualTo(0.5);
  }

  @Test
  void lossNearTheEdgeMatchesTheModel() {
    SplittableRandom r = new SplittableRandom(7);
    Agent a = at(0, 0, 0);
    Agent b = at(1, 100, 0);
    int lost = 0;
    for (int i = 0; i < 10_000; i++) {
      lost += radio.transmit(a, b, 0, r) == RadioModel.LOST ? 1 : 0;
    }
    assertThat(lost).isBetween(4_700, 5_300);
  }

  @Test
  void aCutRegionSeparatesInsideFromOutsideUntilHealed() {
    SplittableRandom r = new SplittableRandom(1);
    Agent inside = at(0, 0, 0);
    Agent alsoInside = at(1, 5, 0);
    Agent outside = at(2, 50, 0);
    double[] tunnel = partitions.isolateRegion(0, 0, 10);

    assertThat(radio.transmit(inside, outside, 0, r)).isEqualTo(RadioModel.CUT);
    assertThat(radio.transmit(inside, alsoInside, 0, r)).isPositive();
    partitions.healRegion(tunnel);
    assertThat(radio.transmit(inside, outside, 0, r)).isPositive();
  }

  @Test
  void isolatedAgentsTalkOnlyAmongThemselves() {
    SplittableRandom r = new SplittableRandom(1);
    int[] cut = {0, 1};
    partitions.isolate(cut);

    assertThat(radio.transmit(at(0, 0, 0), at(2, 1, 0), 0, r)).isEqualTo(RadioModel.CUT);
    assertThat(radio.transmit(at(0, 0, 0), at(1, 1, 0), 0, r)).isPositive();
    partitions.heal(cut);
    assertThat(partitions.any()).isFalse();
  }

  @Test
  void randomWaypointStaysInItsBoxAndMovesAtMostAtItsTopSpeed() {
    RandomWaypoint m = new RandomWaypoint(0, 0, 100, 50, 1, 2, SECOND, new SplittableRandom(3));
    Position p = new Position();
    Position prev = new Position();
    m.locate(0, prev);
    for (long t = SECOND; t < 600 * SECOND; t += SECOND) {
      m.locate(t, p);
      assertThat(p.x).isBetween(0.0, 100.0);
      assertThat(p.y).isBetween(0.0, 50.0);
      assertThat(p.distance(prev)).isLessThanOrEqualTo(2.0 + 1e-9);
      prev.x = p.x;
      prev.y = p.y;
    }
  }

  @Test
  void aPatrolFollowsItsRouteAndFollowersKeepTheirOffset() {
    Patrol lead = new Patrol(List.of(new double[] {0, 0}, new double[] {100, 0}), 10, 0, false);
    Follow wing = new Follow(lead, -5, 3);
    Position p = new Position();

    lead.locate(5 * SECOND, p);
    assertThat(p.x).isEqualTo(50.0);
    lead.locate(60 * SECOND, p);
    assertThat(p.x).as("stops at the end").isEqualTo(100.0);
    wing.locate(60 * SECOND, p);
    assertThat(p.x).isEqualTo(95.0);
    assertThat(p.y).isEqualTo(3.0);
  }
}
