package io.flotilla.simulator.report;

import io.flotilla.simulator.fleet.Group;
import io.flotilla.simulator.fleet.Member;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * Leadership and commit statistics of one group. A group has a leader from the moment a
 * member becomes leader until that member steps down or crashes (a newer leader elected
 * meanwhile takes over at once); the gaps are its unavailability windows.
 */
public final class GroupMetrics {
  /** A stretch of time with one leader. */
  public record Segment(long start, long end, String leader) {}

  /** A stretch of time with no leader; {@code afterLoss} is false for the first election. */
  public record Window(long start, long end, boolean afterLoss) {}

  final Group group;
  final Histogram electionMillis = Latencies.millisUpToAnHour();
  final Histogram commitMicros = Latencies.microsUpToAnHour();
  final List<Segment> segments = new ArrayList<>();
  final List<Window> windows = new ArrayList<>();
  long committed;
  long leaderChanges;
  long losses;
  long leaderlessTotal;
  long ledTotal;

  Member current;
  String currentName;
  long since;
  boolean everLed;

  GroupMetrics(Group group) {
    this.group = group;
  }

  void leaderIs(Member m, long now) {
    if (current == m) {
      return;
    }
    if (current != null) {
      endSegment(now);
    } else {
      Window w = new Window(since, now, everLed);
      windows.add(w);
      leaderlessTotal += now - since;
      if (everLed) {
        electionMillis.recordValue(Math.min((now - since) / 1000, 3_600_000L));
      }
    }
    if (everLed) {
      leaderChanges++;
    }
    everLed = true;
    current = m;
    currentName = m.agent().name();
    since = now;
  }

  void leaderLost(Member m, long now) {
    if (current != m) {
      return;
    }
    endSegment(now);
    losses++;
    current = null;
    since = now;
  }

  private void endSegment(long now) {
    segments.add(new Segment(since, now, currentName));
    ledTotal += now - since;
  }

  /** Leaderless time up to {@code now}, counting an open window. */
  long leaderlessUpTo(long now) {
    return leaderlessTotal + (current == null ? now - since : 0);
  }

  /** Closes what is open at the end of the run. */
  void finish(long now) {
    if (current != null) {
      endSegment(now);
    } else {
      windows.add(new Window(since, now, everLed));
      leaderlessTotal += now - since;
    }
    since = now;
  }

  public Group group() {
    return group;
  }

  public List<Segment> segments() {
    return segments;
  }

  public List<Window> windows() {
    return windows;
  }
}
