package io.flotilla.simulator.forwarding;

import io.flotilla.simulator.fleet.FleetObserver;
import io.flotilla.simulator.fleet.Group;
import io.flotilla.simulator.fleet.Member;
import io.flotilla.simulator.invariants.Invariant;
import io.flotilla.simulator.invariants.InvariantViolation;
import io.flotilla.simulator.kernel.Kernel;
import io.flotilla.simulator.raft.LogEntry;
import io.flotilla.simulator.report.Distribution;
import io.flotilla.simulator.report.RunSummary;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Watches decisions go from the squads to the council. It learns each squad's decisions as
 * they first commit there, and each batch as a council replica applies it, reading that
 * replica's cursor afterwards to see whether the batch was taken.
 *
 * <p>It checks {@link Invariant#DECISIONS_FORWARDED_ONCE} on every council replica: a batch
 * that moves the cursor starts where it stood and ends where it now points, and holds exactly
 * the decisions the squad committed in between: so the council never applies a decision twice
 * and never skips one. It measures, once per council index: batches and decisions taken,
 * batches refused as already taken, the largest backlog of one squad (decisions committed
 * there, not yet in the council), and the delay from a decision's commit in its squad to its
 * batch's commit in the council.
 */
public final class ForwardingLedger implements FleetObserver {
  private final Kernel kernel;
  private final Group council;
  private final boolean check;
  private final Squad[] squads;
  private final Map<String, Squad> byName = new HashMap<>();
  private final Map<Member, Map<String, Long>> replicaCursors = new HashMap<>();
  private final Histogram delayMillis = new Histogram(3_600_000L, 2);
  private long councilIndex;
  private long batches;
  private long decisions;
  private long refused;
  private long backlogMax;

  /** One squad's committed decisions, in index order, with when each first committed. */
  private static final class Squad {
    long[] index = new long[256];
    long[] committedAt = new long[256];
    int count;
    int forwarded;
    long seen;

    void add(long i, long at) {
      if (count == index.length) {
        index = Arrays.copyOf(index, count * 2);
        committedAt = Arrays.copyOf(committedAt, count * 2);
      }
      index[count] = i;
      committedAt[count++] = at;
    }

    /** The position of the first decision at or after squad index {@code i}. */
    int firstAtOrAfter(long i) {
      int p = Arrays.binarySearch(index, 0, count, i);
      return p >= 0 ? p : -p - 1;
    }
  }

  /** @param check whether to check {@link Invariant#DECISIONS_FORWARDED_ONCE} */
  public ForwardingLedger(Kernel kernel, List<Group> groups, Group council, boolean check) {
    this.kernel = kernel;
    this.council = council;
    this.check = check;
    this.squads = new Squad[groups.size()];
    for (Group g : groups) {
      if (g != council) {
        squads[g.index()] = new Squad();
        byName.put(g.name(), squads[g.index()]);
      }
    }
  }

  @Override
  public void committed(Member m, long from, long to) {
    Squad s = squads[m.group().index()];
    if (s == null || to <= s.seen) {
      return;
    }
    long now = kernel.now();
    for (long i = Math.max(from, s.seen) + 1; i <= to; i++) {
      Decision d = Decision.of(i, m.node().log().entry(i));
      if (d != null) {
        s.add(i, now);
      }
    }
    s.seen = to;
    backlogMax = Math.max(backlogMax, s.count - s.forwarded);
  }

  @Override
  public void applied(Member m, long index, LogEntry entry) {
    if (m.group() != council) {
      return;
    }
    if (index == 1) {
      // A replica applies index 1 once per life, to a fresh state.
      replicaCursors.remove(m);
    }
    ForwardBatch b = entry.command() == null ? null : ForwardBatch.parse(entry.command());
    if (b == null) {
      return;
    }
    Squad s = byName.get(b.squad());
    Map<String, Long> cursors = replicaCursors.computeIfAbsent(m, k -> new HashMap<>());
    long before = cursors.getOrDefault(b.squad(), 1L);
    long after = ForwardBatch.cursorIn(m.state(), b.squad());
    boolean taken = after != before;
    if (taken && check) {
      verify(m, s, b, before, after);
    }
    cursors.put(b.squad(), after);
    if (index <= councilIndex) {
      return;
    }
    councilIndex = index;
    if (!taken) {
      refused++;
      return;
    }
    batches++;
    decisions += b.decisions().size();
    long now = kernel.now();
    for (int p = s.firstAtOrAfter(b.from()); p < s.count && s.index[p] <= b.to(); p++) {
      delayMillis.recordValue(Math.min((now - s.committedAt[p]) / 1000, 3_600_000L));
    }
    s.forwarded += b.decisions().size();
  }

  private void verify(Member m, Squad s, ForwardBatch b, long before, long after) {
    String where = m.agent().name() + " in the council took " + b.squad() + "'s batch "
        + b.from() + ".." + b.to();
    if (b.from() != before || after != b.to() + 1) {
      throw new InvariantViolation(Invariant.DECISIONS_FORWARDED_ONCE, where
          + " with its cursor at " + before + ", moving it to " + after);
    }
    int p = s.firstAtOrAfter(b.from());
    for (Decision d : b.decisions()) {
      if (p >= s.count || s.index[p] != d.index()) {
        throw new InvariantViolation(Invariant.DECISIONS_FORWARDED_ONCE, where
            + ", whose decision at " + d.index() + " is not the squad's next committed one");
      }
      p++;
    }
    if (p < s.count && s.index[p] <= b.to()) {
      throw new InvariantViolation(Invariant.DECISIONS_FORWARDED_ONCE, where
          + ", which skips the squad's decision at " + s.index[p]);
    }
  }

  /** What was forwarded so far. */
  public RunSummary.Forwarding summary() {
    long backlogNow = 0;
    for (Squad s : squads) {
      if (s != null) {
        backlogNow += s.count - s.forwarded;
      }
    }
    return new RunSummary.Forwarding(batches, decisions, refused, backlogMax, backlogNow,
        Distribution.of(delayMillis, 1));
  }
}
