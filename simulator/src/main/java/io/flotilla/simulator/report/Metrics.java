package io.flotilla.simulator.report;

import io.flotilla.simulator.fleet.FleetObserver;
import io.flotilla.simulator.fleet.Group;
import io.flotilla.simulator.fleet.Member;
import io.flotilla.simulator.fleet.Network;
import io.flotilla.simulator.kernel.Kernel;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * Collects a run's measurements: leadership per group, commit latency (leader proposal to
 * commit), client request outcomes and latency, and a time series sampled every
 * {@link #bucket()} for the report's charts.
 */
public final class Metrics implements FleetObserver {
  private final Kernel kernel;
  private final List<GroupMetrics> groups = new ArrayList<>();
  private final long bucket;
  private final Histogram commitMicros = Latencies.microsUpToAnHour();
  private final Histogram bucketCommitMicros = Latencies.microsUpToAnHour();
  private final Histogram clientMicros = Latencies.microsUpToAnHour();
  private final List<double[]> availability = new ArrayList<>();
  private final List<double[]> latency = new ArrayList<>();
  private final List<Long> commitsPerBucket = new ArrayList<>();
  private final List<MapSnapshot> maps = new ArrayList<>();
  private final long[] leaderlessAtSample;
  private long writesAcked;
  private long writesFailed;
  private long readsAnswered;
  private long readsFailed;
  private long bucketCommits;

  public Metrics(Kernel kernel, List<Group> groups, long bucket) {
    this.kernel = kernel;
    this.bucket = bucket;
    for (Group g : groups) {
      this.groups.add(new GroupMetrics(g));
    }
    this.leaderlessAtSample = new long[groups.size()];
  }

  public long bucket() {
    return bucket;
  }

  public List<GroupMetrics> groups() {
    return groups;
  }

  /** Per sample, per group: the fraction of the bucket the group had a leader. */
  public List<double[]> availability() {
    return availability;
  }

  /** Per sample: commit latency p50 and p99 in the bucket, in milliseconds. */
  public List<double[]> latency() {
    return latency;
  }

  public List<Long> commitsPerBucket() {
    return commitsPerBucket;
  }

  public List<MapSnapshot> maps() {
    return maps;
  }

  @Override
  public void becameLeader(Member m) {
    groups.get(m.group().index()).leaderIs(m, kernel.now());
  }

  @Override
  public void lostLeadership(Member m) {
    groups.get(m.group().index()).leaderLost(m, kernel.now());
  }

  @Override
  public void proposalCommitted(Member leader, long micros) {
    GroupMetrics g = groups.get(leader.group().index());
    g.committed++;
    g.commitMicros.recordValue(Math.min(micros, 3_600_000_000L));
    commitMicros.recordValue(Math.min(micros, 3_600_000_000L));
    bucketCommitMicros.recordValue(Math.min(micros, 3_600_000_000L));
    bucketCommits++;
  }

  @Override
  public void requestDone(Member client, boolean write, boolean ok, long micros) {
    if (write) {
      if (ok) {
        writesAcked++;
      } else {
        writesFailed++;
      }
    } else if (ok) {
      readsAnswered++;
    } else {
      readsFailed++;
    }
    if (ok) {
      clientMicros.recordValue(Math.min(micros, 3_600_000_000L));
    }
  }

  /** Closes one time-series bucket ending now. */
  public void sample() {
    long now = kernel.now();
    double[] avail = new double[groups.size()];
    for (int i = 0; i < groups.size(); i++) {
      long leaderless = groups.get(i).leaderlessUpTo(now);
      avail[i] = 1.0 - (double) (leaderless - leaderlessAtSample[i]) / bucket;
      leaderlessAtSample[i] = leaderless;
    }
    availability.add(avail);
    latency.add(bucketCommitMicros.getTotalCount() == 0 ? new double[] {Double.NaN, Double.NaN}
        : new double[] {bucketCommitMicros.getValueAtPercentile(50) / 1000.0,
            bucketCommitMicros.getValueAtPercentile(99) / 1000.0});
    commitsPerBucket.add(bucketCommits);
    bucketCommitMicros.reset();
    bucketCommits = 0;
  }

  public void addMap(MapSnapshot snapshot) {
    maps.add(snapshot);
  }

  /** The fleet's election times and commit latencies so far, copied. */
  public Latencies latencies() {
    Histogram elections = Latencies.millisUpToAnHour();
    groups.forEach(g -> elections.add(g.electionMillis));
    return new Latencies(elections, commitMicros.copy());
  }

  /** Closes open windows and builds the summary of a run of {@code engine}. */
  public RunSummary summarize(String engine, String scenario, long seed, int agents,
      Network network, double wallSeconds, long events, String traceHash,
      RunSummary.Violation violation) {
    long now = kernel.now();
    double seconds = now / 1e6;
    List<RunSummary.GroupSummary> out = new ArrayList<>();
    long changes = 0;
    long losses = 0;
    long leaderless = 0;
    long led = 0;
    long committed = 0;
    long sent = 0;
    long dropped = 0;
    long repairTotal = 0;
    int repairs = 0;
    long lost = 0;
    long outOfRange = 0;
    long cut = 0;
    long crashed = 0;
    for (GroupMetrics g : groups) {
      g.finish(now);
      long longest = 0;
      long groupRepair = 0;
      int groupRepairs = 0;
      for (GroupMetrics.Window w : g.windows) {
        longest = Math.max(longest, w.end() - w.start());
        if (w.afterLoss()) {
          groupRepair += w.end() - w.start();
          groupRepairs++;
        }
      }
      out.add(new RunSummary.GroupSummary(g.group.name(), g.group.voterCount(),
          g.group.members().size() - g.group.voterCount(), g.leaderChanges, g.losses,
          ratio(now - g.leaderlessTotal, now), g.leaderlessTotal / 1e6, g.windows.size(),
          longest / 1e6, Distribution.of(g.electionMillis, 1),
          Distribution.of(g.commitMicros, 1000), g.committed, g.committed / seconds,
          network.sent(g.group), network.dropped(g.group),
          g.losses == 0 ? null : g.ledTotal / 1e6 / g.losses,
          groupRepairs == 0 ? null : groupRepair / 1e6 / groupRepairs));
      changes += g.leaderChanges;
      losses += g.losses;
      leaderless += g.leaderlessTotal;
      led += g.ledTotal;
      committed += g.committed;
      sent += network.sent(g.group);
      dropped += network.dropped(g.group);
      lost += network.lost(g.group);
      outOfRange += network.outOfRange(g.group);
      cut += network.cut(g.group);
      crashed += network.crashed(g.group);
      repairTotal += groupRepair;
      repairs += groupRepairs;
    }
    Latencies latencies = latencies();
    long groupTime = now * groups.size();
    RunSummary.Fleet fleet = new RunSummary.Fleet(agents, groups.size(), changes, losses,
        ratio(groupTime - leaderless, groupTime), leaderless / 1e6, latencies.election(),
        latencies.commitLatency(), Distribution.of(clientMicros, 1000), committed,
        committed / seconds, writesAcked, writesFailed, readsAnswered, readsFailed, sent,
        dropped, new RunSummary.Drops(lost, outOfRange, cut, crashed),
        losses == 0 ? null : led / 1e6 / losses,
        repairs == 0 ? null : repairTotal / 1e6 / repairs);
    return new RunSummary(engine, scenario, seed, seconds, wallSeconds, events,
        wallSeconds > 0 ? events / wallSeconds : 0, wallSeconds > 0 ? seconds / wallSeconds : 0,
        traceHash, violation, fleet, out, null, null);
  }

  private static double ratio(long part, long whole) {
    return whole == 0 ? 1.0 : (double) part / whole;
  }
}
