package io.flotilla.simulator.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class KernelTest {
  private final Kernel kernel = new Kernel();
  private final List<String> fired = new ArrayList<>();

  private Event named(String name) {
    return new Event() {
      @Override
      protected void fire() {
        fired.add(name + "@" + kernel.now());
      }

      @Override
      protected long fingerprint() {
        return name.hashCode();
      }

      @Override
      public String describe() {
        return name;
      }
    };
  }

  @Test
  void eventsFireInTimeOrderAndSimultaneousOnesInTheOrderTheyWereScheduled() {
    kernel.at(20, named("late"));
    kernel.at(10, named("first"));
    kernel.at(10, named("second"));
    kernel.at(5, named("earliest"));

    kernel.run(100, Long.MAX_VALUE, e -> { });

    assertThat(fired).containsExactly("earliest@5", "first@10", "second@10", "late@20");
    assertThat(kernel.now()).isEqualTo(100);
    assertThat(kernel.eventNumber()).isEqualTo(4);
  }

  @Test
  void aRunStopsAtTheRequestedEventNumberAndKeepsTheLastEventsReadable() {
    kernel.keepRecent(2);
    for (int i = 0; i < 5; i++) {
      kernel.at(i, named("e" + i));
    }

    boolean stopped = kernel.run(100, 3, e -> { });

    assertThat(stopped).isTrue();
    assertThat(fired).hasSize(3);
    assertThat(kernel.recent()).containsExactly("#2 00:00:00.000 e1", "#3 00:00:00.000 e2");
  }

  @Test
  void theTraceHashDependsOnEveryEventAndItsTime() {
    long a = hashOf(List.of("x", "y"), 1);
    long b = hashOf(List.of("x", "y"), 1);
    long c = hashOf(List.of("y", "x"), 1);
    long d = hashOf(List.of("x", "y"), 2);

    assertThat(a).isEqualTo(b);
    assertThat(c).isNotEqualTo(a);
    assertThat(d).isNotEqualTo(a);
  }

  private long hashOf(List<String> names, long spacing) {
    Kernel k = new Kernel();
    long t = 0;
    for (String n : names) {
      k.at(t += spacing, new Event() {
        @Override
        protected void fire() {}

        @Override
        protected long fingerprint() {
          return n.hashCode();
        }

        @Override
        public String describe() {
          return n;
        }
      });
    }
    k.run(100, Long.MAX_VALUE, e -> { });
    return k.trace().value();
  }

  @Test
  void nothingCanBeScheduledInThePast() {
    kernel.at(10, named("a"));
    kernel.run(10, Long.MAX_VALUE, e -> { });
    assertThatThrownBy(() -> kernel.at(5, named("b"))).hasMessageContaining("in the past");
  }

  @Test
  void namedStreamsAreIndependentOfEachOtherAndOfCreationOrder() {
    RandomStreams one = new RandomStreams(42);
    long radioFirst = one.stream("radio").nextLong();
    RandomStreams two = new RandomStreams(42);
    SplittableRandom other = two.stream("mobility");
    other.nextLong();
    other.nextLong();

    assertThat(two.stream("radio").nextLong()).isEqualTo(radioFirst);
    assertThat(new RandomStreams(43).stream("radio").nextLong()).isNotEqualTo(radioFirst);
    assertThat(one.stream("radio")).isSameAs(one.stream("radio"));
  }

  @Test
  void durationsParseWithUnitsAndFormatAsClockTime() {
    assertThat(SimTime.parse("1h30m")).isEqualTo(5_400_000_000L);
    assertThat(SimTime.parse("250ms")).isEqualTo(250_000);
    assertThat(SimTime.parse("1.5s")).isEqualTo(1_500_000);
    assertThat(SimTime.format(3_723_004_000L)).isEqualTo("01:02:03.004");
    assertThatThrownBy(() -> SimTime.parse("10")).hasMessageContaining("use a number and a unit");
    assertThatThrownBy(() -> SimTime.parse("10d")).hasMessageContaining("unknown unit 'd'");
  }
}
