package io.flotilla.simulator.voters;

import io.flotilla.consensus.voters.VoterChange;
import io.flotilla.simulator.kernel.SimTime;
import io.flotilla.simulator.report.RunSummary;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Every voter change a run made, in the order made, with counts by kind and reason class. */
public final class VoterChangeLog {
  /**
   * One change as it was started on a group's leader.
   *
   * @param at virtual time in microseconds
   * @param in who became a voter (or took leadership, for a hand-off), else null
   * @param out who stopped voting (or handed leadership off), else null
   */
  public record Entry(long at, String group, VoterChange.Kind kind, String in, String out,
      String reason) {}

  /** Reason classes, by a phrase that the shared policy and manager put in each reason. */
  private static final String[][] CLASSES = {
      {"not eligible", "not eligible"}, {"presence lost", "presence lost"},
      {"not heard from", "silent"}, {"battery", "battery"}, {"link", "link"},
      {"restarted", "restarts"}, {"< target", "below target"}, {"> target", "above target"}};

  private final List<Entry> entries = new ArrayList<>();

  void add(Entry e) {
    entries.add(e);
  }

  public List<Entry> entries() {
    return Collections.unmodifiableList(entries);
  }

  /** How many changes of each kind, by kind name. */
  public Map<String, Long> byKind() {
    Map<String, Long> out = new TreeMap<>();
    entries.forEach(e -> out.merge(e.kind().name(), 1L, Long::sum));
    return out;
  }

  /** How many changes for each class of reason (battery, link, silent, ...). */
  public Map<String, Long> byReason() {
    Map<String, Long> out = new TreeMap<>();
    entries.forEach(e -> out.merge(reasonClass(e.reason()), 1L, Long::sum));
    return out;
  }

  /** The counts and the first {@code first} changes, for the run's summary. */
  public RunSummary.VoterChanges summary(int first) {
    return new RunSummary.VoterChanges(entries.size(), byKind(), byReason(),
        entries.stream().limit(first).map(e -> new RunSummary.VoterChangeSummary(
            SimTime.format(e.at()), e.group(), e.kind().name(), e.in(), e.out(), e.reason()))
            .toList());
  }

  static String reasonClass(String reason) {
    for (String[] c : CLASSES) {
      if (reason.contains(c[0])) {
        return c[1];
      }
    }
    return "other";
  }
}
