package io.flotilla.simulator.report;

import io.flotilla.simulator.kernel.SimTime;
import java.io.PrintWriter;
import java.util.Locale;

/** A run's summary as text. */
public final class SummaryText {
  private SummaryText() {}

  /** A run's summary as the command line prints it: one row per group, then the fleet's. */
  public static void print(PrintWriter out, RunSummary s) {
    RunSummary.Fleet f = s.fleet();
    out.printf(Locale.ROOT, "Scenario %s, seed %d, %s engine: %d agents, %d groups; %s simulated"
        + " in %.1f s (%.1fx, %,.0f events/s)%n", s.scenario(), s.seed(), s.engine(), f.agents(),
        f.groups(),
        SimTime.format((long) (s.simulatedSeconds() * 1e6)), s.wallSeconds(), s.simToWall(),
        s.eventsPerSecond());
    if (s.engine().equals(RunSummary.RATIS)) {
      out.printf("%,d world events; trace: %s; invariants are checked by the model engine"
          + " only%n%n", s.events(), s.traceHash());
    } else {
      out.printf("Trace %s over %,d events; %s%n%n", s.traceHash(), s.events(),
          s.violation() == null ? "every invariant held" : "an invariant was VIOLATED");
    }
    String row = "%-10s %4s %5s %7s %6s %9s %10s %9s %9s %10s %10s %9s %10s %8s%n";
    out.printf(Locale.ROOT, row, "group", "vote", "listn", "changes", "losses", "avail",
        "leaderless", "elect p50", "elect p99", "commit p50", "commit p99", "commits/s",
        "msgs sent", "dropped");
    for (RunSummary.GroupSummary g : s.groups()) {
      out.printf(Locale.ROOT, row, g.name(), g.voters(), g.listeners(), g.leaderChanges(),
          g.leaderLosses(), pct(g.availability()), secs(g.unavailableSeconds()),
          p50(g.electionMillis()), p99(g.electionMillis()),
          p50(g.commitLatencyMillis()), p99(g.commitLatencyMillis()),
          String.format(Locale.ROOT, "%.1f", g.commitsPerSecond()), g.messagesSent(),
          g.messagesDropped());
    }
    out.printf(Locale.ROOT, row, "fleet", "", "", f.leaderChanges(), f.leaderLosses(),
        pct(f.availability()), secs(f.unavailableSeconds()), p50(f.electionMillis()),
        p99(f.electionMillis()), p50(f.commitLatencyMillis()),
        p99(f.commitLatencyMillis()), String.format(Locale.ROOT, "%.1f",
            f.commitsPerSecond()), f.messagesSent(), f.messagesDropped());
    out.printf(Locale.ROOT, "%nMessages dropped: %,d lost on the radio, %,d out of range, %,d cut"
        + " by partitions, %,d to crashed agents.%n", f.drops().lost(), f.drops().outOfRange(),
        f.drops().cut(), f.drops().crashed());
    out.printf(Locale.ROOT, "Leadership: MTBF %s, MTTR %s. Client requests: %,d writes"
        + " acknowledged, %,d given up; %,d reads answered, %,d given up; latency p50 %s, p99"
        + " %s.%n", f.mtbfSeconds() == null ? "-" : secs(f.mtbfSeconds()),
        f.mttrSeconds() == null ? "-" : secs(f.mttrSeconds()), f.writesAcked(), f.writesFailed(),
        f.readsAnswered(), f.readsFailed(), p50(f.clientLatencyMillis()),
        p99(f.clientLatencyMillis()));
    printVoterChanges(out, s.voterChanges());
    printForwarding(out, s.forwarding());
  }

  private static void printVoterChanges(PrintWriter out, RunSummary.VoterChanges v) {
    if (v == null) {
      return;
    }
    out.printf(Locale.ROOT, "%nVoter changes: %d", v.total());
    if (v.total() > 0) {
      out.printf(Locale.ROOT, " (by kind %s; by reason %s)", v.byKind(), v.byReason());
    }
    out.println();
    for (RunSummary.VoterChangeSummary c : v.first()) {
      out.printf(Locale.ROOT, "  %s %-10s %-8s in %-14s out %-14s %s%n", c.time(), c.group(),
          c.kind(), c.in() == null ? "-" : c.in(), c.out() == null ? "-" : c.out(), c.reason());
    }
  }

  private static void printForwarding(PrintWriter out, RunSummary.Forwarding f) {
    if (f == null) {
      return;
    }
    out.printf(Locale.ROOT, "Forwarding to the council: %,d decisions in %,d batches, %,d"
        + " batches refused as already taken; backlog max %,d (one squad), %,d left at the end;"
        + " delay commit to council commit p50 %s, p99 %s.%n", f.decisions(), f.batches(),
        f.duplicatesRefused(), f.backlogMax(), f.backlogAtEnd(), p50(f.delayMillis()),
        p99(f.delayMillis()));
  }

  static String pct(double v) {
    return String.format(Locale.ROOT, "%.3f%%", v * 100);
  }

  static String secs(double v) {
    return String.format(Locale.ROOT, "%.1f s", v);
  }

  public static String p50(Distribution d) {
    return d.count() == 0 ? "-" : ms(d.p50());
  }

  static String p99(Distribution d) {
    return d.count() == 0 ? "-" : ms(d.p99());
  }

  static String ms(double v) {
    return String.format(Locale.ROOT, "%.0f ms", v);
  }
}
