package io.flotilla.chaos.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.chaos.checkers.Validity;
import io.flotilla.chaos.history.Event;
import io.flotilla.chaos.history.EventType;
import io.flotilla.chaos.history.History;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The real-time check of the election workload: holds a client was entitled to, apart. */
class ElectionWorkloadTest {
  private final List<Event> events = new ArrayList<>();
  private long time;

  /** One acquire by {@code process} that held from {@code won} to {@code heldUntil}. */
  private void hold(int process, String key, long won, long heldUntil) {
    events.add(new Event(process, EventType.INVOKE, "acquire", null, "p" + process, time++));
    events.add(new Event(process, EventType.OK, "acquire", null,
        List.of(key, 1L, won, heldUntil), time++));
  }

  @Test
  void holdsOneAfterAnotherAreApart() {
    hold(0, "k1", 100, 200);
    hold(1, "k2", 200, 300);
    hold(2, "k3", 350, 400);
    Check c = ElectionWorkload.holdsApart(History.of(events));
    assertThat(c.validity()).isEqualTo(Validity.VALID);
    assertThat(c.summary()).isEqualTo("3 holds, none overlapping");
  }

  /**
   * A candidacy read while its lease lived but answered after the lease's TTL had run out
   * (seen in a chaos run: the answer came 2.46 s after the grant of a 2 s lease, while the next
   * candidate already held): the late winner was entitled to nothing, so nothing overlaps.
   */
  @Test
  void aWinAnsweredAfterItsEntitlementEndedHoldsNothing() {
    hold(5, "k2", 1_000, 1_500_000_000L);
    hold(1, "k1", 40_000_000L, 40_000_000L);
    Check c = ElectionWorkload.holdsApart(History.of(events));
    assertThat(c.validity()).isEqualTo(Validity.VALID);
    assertThat(c.summary()).isEqualTo("1 holds, none overlapping");
  }

  @Test
  void aWinBeforeTheHoldersEntitlementEndsIsTwoHoldersAtOnce() {
    hold(0, "k1", 0, 5_000_000_000L);
    hold(1, "k2", 1_000_000_000L, 2_000_000_000L);
    // Overlaps the first hold, not the second, which ended before it began.
    hold(2, "k3", 4_000_000_000L, 6_000_000_000L);
    Check c = ElectionWorkload.holdsApart(History.of(events));
    assertThat(c.validity()).isEqualTo(Validity.INVALID);
    assertThat(c.summary()).isEqualTo("3 holds; two holders at once: [p1 as k2 won 4000 ms "
        + "before p0 as k1's hold ended, p2 as k3 won 1000 ms before p0 as k1's hold ended]");
  }
}
