package io.flotilla.chaos.linearizability;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.chaos.history.Event;
import io.flotilla.chaos.history.EventType;
import io.flotilla.chaos.history.History;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Histories generated from a real sequential execution: concurrent processes invoke operations
 * whose intervals overlap, each operation takes effect at a point inside its interval on a
 * reference object, and the recorded results are what it returned there. Some operations crash
 * (outcome unknown, effect applied or not), some fail without effect, and some never return. Such
 * a history is linearizable by construction; with one read changed to a value no state ever holds,
 * it is not.
 */
class GeneratedHistoriesTest {

  private static final Object COMPARE_FAILED = new Object();

  private record Call(String f, Object key, Object input) {}

  /** A reference implementation of one model, run at the chosen linearization points. */
  private interface Reference {
    Call randomCall(Random random, int unique);

    /** Takes effect now; returns the result, or {@link #COMPARE_FAILED}. */
    Object run(Call call);

    boolean isRead(Call call);

    /** Whether a random failure (no effect) is a legal outcome for this call. */
    boolean mayFail(Call call);

    /** A result this read could not return at any point of any execution. */
    Object impossibleResult();
  }

  private static final class Register implements Reference {
    private Object value;

    public Call randomCall(Random random, int unique) {
      return switch (random.nextInt(3)) {
        case 0 -> new Call("read", null, null);
        case 1 -> new Call("write", null, (long) random.nextInt(5));
        default -> new Call("cas", null,
            List.of((long) random.nextInt(5), (long) random.nextInt(5)));
      };
    }

    public Object run(Call call) {
      switch (call.f()) {
        case "read":
          return value;
        case "write":
          value = call.input();
          return call.input();
        default:
          List<?> args = (List<?>) call.input();
          if (!Objects.equals(args.get(0), value)) {
            return COMPARE_FAILED;
          }
          value = args.get(1);
          return call.input();
      }
    }

    public boolean isRead(Call call) {
      return call.f().equals("read");
    }

    public boolean mayFail(Call call) {
      return call.f().equals("write");
    }

    public Object impossibleResult() {
      return 999L;
    }
  }

  private static final class Kv implements Reference {
    private final Map<Object, String> values = new HashMap<>();

    public Call randomCall(Random random, int unique) {
      String key = "k" + random.nextInt(3);
      return switch (random.nextInt(3)) {
        case 0 -> new Call("get", key, null);
        case 1 -> new Call("put", key, "p" + unique + ";");
        default -> new Call("append", key, "a" + unique + ";");
      };
    }

    public Object run(Call call) {
      String current = values.getOrDefault(call.key(), "");
      switch (call.f()) {
        case "get":
          return current;
        case "put":
          values.put(call.key(), (String) call.input());
          return call.input();
        default:
          values.put(call.key(), current + call.input());
          return call.input();
      }
    }

    public boolean isRead(Call call) {
      return call.f().equals("get");
    }

    public boolean mayFail(Call call) {
      return !isRead(call);
    }

    public Object impossibleResult() {
      return "zzz";
    }
  }

  private static final class Counter implements Reference {
    private long count;

    public Call randomCall(Random random, int unique) {
      return random.nextBoolean() ? new Call("read", null, null)
          : new Call("add", null, (long) (1 + random.nextInt(5)));
    }

    public Object run(Call call) {
      if (call.f().equals("add")) {
        count += (Long) call.input();
        return call.input();
      }
      return count;
    }

    public boolean isRead(Call call) {
      return call.f().equals("read");
    }

    public boolean mayFail(Call call) {
      return !isRead(call);
    }

    public Object impossibleResult() {
      return -1L;
    }
  }

  private static final class SetReference implements Reference {
    private final Set<Object> elements = new HashSet<>();
    private final Random order = new Random(7);

    public Call randomCall(Random random, int unique) {
      return random.nextInt(3) == 0 ? new Call("read", null, null)
          : new Call("add", null, (long) unique);
    }

    public Object run(Call call) {
      if (call.f().equals("add")) {
        elements.add(call.input());
        return call.input();
      }
      List<Object> read = new ArrayList<>(elements);
      Collections.shuffle(read, order);
      return List.copyOf(read);
    }

    public boolean isRead(Call call) {
      return call.f().equals("read");
    }

    public boolean mayFail(Call call) {
      return !isRead(call);
    }

    public Object impossibleResult() {
      return List.of(999_999L);
    }
  }

  private static final class Planned {
    final int process;
    final Call call;
    final long invoke;
    final long complete;
    final double point;
    EventType outcome;
    boolean applied;
    boolean pending;
    Object result;

    Planned(int process, Call call, long invoke, long complete, double point) {
      this.process = process;
      this.call = call;
      this.invoke = invoke;
      this.complete = complete;
      this.point = point;
    }
  }

  static Stream<Arguments> cases() {
    return Stream.of("cas-register", "kv", "counter", "set")
        .flatMap(model -> Stream.of(1L, 2L, 3L, 4L, 5L, 6L).map(seed -> Arguments.of(model, seed)));
  }

  private static Reference reference(String model) {
    return switch (model) {
      case "cas-register" -> new Register();
      case "kv" -> new Kv();
      case "counter" -> new Counter();
      default -> new SetReference();
    };
  }

  /** Plans, runs and records a history; returns the planned operations with their results. */
  private static List<Planned> generate(String model, long seed) {
    Random random = new Random(seed);
    Reference reference = reference(model);
    int processes = 3 + random.nextInt(3);
    List<Planned> plan = new ArrayList<>();
    int unique = 0;
    for (int p = 0; p < processes; p++) {
      long time = random.nextInt(5) * 10L;
      int count = 12 + random.nextInt(10);
      for (int i = 0; i < count; i++) {
        long invoke = time + 10L * (1 + random.nextInt(4));
        long complete = invoke + 10L * (1 + random.nextInt(6));
        double point = invoke + 1 + random.nextDouble() * (complete - invoke - 2);
        Planned op = new Planned(p, reference.randomCall(random, unique++), invoke, complete,
            point);
        double roll = random.nextDouble();
        if (roll < 0.08) {
          op.outcome = EventType.INFO;
          op.applied = random.nextBoolean();
          op.pending = i == count - 1;
        } else if (roll < 0.14 && reference.mayFail(op.call)) {
          op.outcome = EventType.FAIL;
        } else {
          op.outcome = EventType.OK;
          op.applied = true;
        }
        plan.add(op);
        time = complete;
        if (op.pending) {
          break;
        }
      }
    }
    List<Planned> byPoint = new ArrayList<>(plan);
    byPoint.sort(Comparator.comparingDouble(op -> op.point));
    for (Planned op : byPoint) {
      if (op.applied) {
        op.result = reference.run(op.call);
        if (op.result == COMPARE_FAILED) {
          op.outcome = op.outcome == EventType.OK ? EventType.FAIL : op.outcome;
          op.result = op.call.input();
        }
      }
    }
    return plan;
  }

  private static History record(List<Planned> plan) {
    List<Event> events = new ArrayList<>();
    for (Planned op : plan) {
      events.add(new Event(op.process, EventType.INVOKE, op.call.f(), op.call.key(),
          op.call.input(), op.invoke));
      if (op.pending) {
        continue;
      }
      Object value = switch (op.outcome) {
        case OK -> op.result;
        case FAIL -> op.call.input();
        default -> null;
      };
      events.add(new Event(op.process, op.outcome, op.call.f(), op.call.key(), value,
          op.complete));
    }
    events.sort(Comparator.comparingLong(Event::time));
    return History.of(events);
  }

  @ParameterizedTest(name = "{0}, seed {1}")
  @MethodSource("cases")
  void historiesOfARealExecutionAreLinearizable(String model, long seed) {
    History history = record(generate(model, seed));

    CheckResult result = LinearizabilityChecker.check(history, Models.byName(model));

    assertThat(result.verdict()).isEqualTo(Verdict.LINEARIZABLE);
    assertThat(LinearizabilityChecker.check(history, Models.byName(model),
        CheckOptions.DEFAULT.unpartitioned()).verdict()).isEqualTo(Verdict.LINEARIZABLE);
  }

  @ParameterizedTest(name = "{0}, seed {1}")
  @MethodSource("cases")
  void aReadOfAValueNoStateHoldsIsNotLinearizable(String model, long seed) {
    List<Planned> plan = generate(model, seed);
    Reference reference = reference(model);
    List<Planned> reads = plan.stream()
        .filter(op -> reference.isRead(op.call) && op.outcome == EventType.OK).toList();
    Planned corrupted = reads.get(new Random(seed).nextInt(reads.size()));
    corrupted.result = reference.impossibleResult();

    CheckResult result = LinearizabilityChecker.check(record(plan), Models.byName(model));

    assertThat(result.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    assertThat(result.evidence().orElseThrow().partition())
        .anySatisfy(op -> assertThat(op.output()).isEqualTo(reference.impossibleResult()));
  }
}
