package io.flotilla.agent.metrics;

import io.flotilla.agent.grpc.KvService;
import io.flotilla.consensus.proto.ProposalRejections;
import io.flotilla.agent.limits.Rejections;
import io.flotilla.consensus.server.FleetServer;
import io.flotilla.consensus.server.GroupStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;
import org.apache.ratis.metrics.MetricRegistries;
import org.apache.ratis.metrics.MetricRegistryInfo;
import org.apache.ratis.metrics.RatisMetricRegistry;

/**
 * The node's Prometheus metrics: tagged with the group, Raft state from the
 * {@link GroupMonitor}, election counts from Ratis's own per-member registry, and write
 * latency measured at the API; tagged with the limit, the requests refused by
 * {@code client-limits}.
 */
public final class NodeMetrics implements KvService.WriteMetrics, Rejections {
  /** The reasons a group refuses proposals, as the {@code reason} tag names them. */
  private static final Map<String, ToLongFunction<ProposalRejections>> REJECTIONS = Map.of(
      "forged", ProposalRejections::getForged,
      "replayed", ProposalRejections::getReplayed,
      "unenrolled", ProposalRejections::getUnenrolled,
      "unsigned", ProposalRejections::getUnsigned);
  /** The keys of {@code client-limits} that refuse requests. */
  private static final List<String> CLIENT_LIMITS =
      List.of("requests-per-second", "watches", "leases");

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final FleetServer server;
  private final GroupMonitor monitor;
  private final Map<String, Counter> leaderChanges = new HashMap<>();
  private final Map<String, Counter> snapshots = new HashMap<>();
  private final Map<String, Timer> commitLatency = new HashMap<>();
  private final Map<String, MultiGauge> followerLag = new HashMap<>();
  private final Map<String, Counter> limitRejections = new HashMap<>();

  public NodeMetrics(FleetServer server, GroupMonitor monitor) {
    this.server = server;
    this.monitor = monitor;
    for (String g : monitor.groups()) {
      Tags tags = Tags.of("group", g);
      gauge("flotilla_term", "Current Raft term", g, GroupStatus::term);
      gauge("flotilla_commit_index", "Highest log index known committed", g, GroupStatus::commitIndex);
      gauge("flotilla_applied_index", "Highest log index applied", g, GroupStatus::appliedIndex);
      gauge("flotilla_is_leader", "1 while this node leads the group", g, s -> s.isLeader() ? 1 : 0);
      gauge("flotilla_snapshot_index", "Log index of the latest snapshot", g,
          GroupStatus::lastSnapshotIndex);
      gauge("flotilla_snapshot_size_bytes", "Size of the latest snapshot", g,
          GroupStatus::lastSnapshotBytes);
      Gauge.builder("flotilla_quorum_size", () -> quorum(g))
          .description("Voters needed to commit").tags(tags).register(registry);
      leaderChanges.put(g, Counter.builder("flotilla_leader_changes")
          .description("Leader changes seen by this node").tags(tags).register(registry));
      snapshots.put(g, Counter.builder("flotilla_snapshots")
          .description("Snapshots taken or installed on this node").tags(tags).register(registry));
      commitLatency.put(g, Timer.builder("flotilla_commit_latency")
          .description("From a write's arrival at this node to its commit")
          .tags(tags).publishPercentileHistogram()
          .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(10))
          .register(registry));
      followerLag.put(g, MultiGauge.builder("flotilla_follower_lag")
          .description("Committed entries a follower has yet to receive (on the leader)")
          .tags(tags).register(registry));
      ratisCounter("flotilla_elections_started", "Elections this node started", g,
          List.of("timeoutCount", "transferLeadershipCount"));
      ratisCounter("flotilla_elections_won", "Elections this node won", g, List.of("electionCount"));
      ratisCounter("flotilla_election_timeouts", "Election timeouts on this node", g,
          List.of("timeoutCount"));
      REJECTIONS.forEach((reason, count) -> FunctionCounter.builder(
              "flotilla_proposals_rejected", this, m -> m.rejections(g, count))
          .description("Proposals the group refused (forged or replayed signature, agent not "
              + "enrolled, unsigned where required), from this node's replica")
          .tags("group", g, "reason", reason).register(registry));
    }
    for (String limit : CLIENT_LIMITS) {
      limitRejections.put(limit, Counter.builder("flotilla_client_limit_rejections")
          .description("API requests refused because their client was over a client-limits limit")
          .tags("limit", limit).register(registry));
    }
  }

  /**
   * From this node's replica, so every node of a group reports the same count once it has
   * caught up; 0 while the node hosts no replica yet.
   */
  private double rejections(String group, ToLongFunction<ProposalRejections> count) {
    try {
      return count.applyAsLong(server.stateMachine(group).identities().getRejections());
    } catch (IOException e) {
      return 0;
    }
  }

  private void gauge(String name, String help, String group, ToDoubleFunction<GroupStatus> f) {
    Gauge.builder(name, () -> monitor.latest(group).map(f::applyAsDouble).orElse(Double.NaN))
        .description(help).tags("group", group).register(registry);
  }

  private double quorum(String group) {
    return monitor.latest(group).isEmpty() ? Double.NaN
        : server.ratisVoterCount(group) / 2 + 1;
  }

  private void ratisCounter(String name, String help, String group, List<String> counters) {
    FunctionCounter.builder(name, this, m -> m.ratisCount(group, counters))
        .description(help).tags("group", group).register(registry);
  }

  private double ratisCount(String group, List<String> counters) {
    Optional<RatisMetricRegistry> r = electionRegistry(group);
    return r.map(reg -> counters.stream().mapToLong(c -> reg.counter(c).getCount()).sum())
        .orElse(0L);
  }

  private Optional<RatisMetricRegistry> electionRegistry(String group) {
    String member;
    try {
      member = server.memberId(group);
    } catch (IOException e) {
      return Optional.empty();
    }
    for (MetricRegistryInfo info : MetricRegistries.global().getMetricRegistryInfos()) {
      if ("leader_election".equals(info.getMetricsComponentName())
          && member.equals(info.getPrefix())) {
        return MetricRegistries.global().get(info);
      }
    }
    return Optional.empty();
  }

  /** Called by the monitor on every change it sees. */
  public void onChange(GroupMonitor.Change change) {
    if (change.before() != null && change.leaderChanged() && !change.after().leaderId().isEmpty()) {
      leaderChanges.get(change.group()).increment();
    }
    if (change.snapshotTaken()) {
      snapshots.get(change.group()).increment();
    }
    followerLag.get(change.group()).register(change.after().followers().stream()
        .map(f -> MultiGauge.Row.of(Tags.of("follower", f.id()),
            Math.max(0, change.after().commitIndex() - f.matchIndex())))
        .toList(), true);
  }

  @Override
  public void committed(String group, long nanos) {
    Timer t = commitLatency.get(group);
    if (t != null) {
      t.record(Duration.ofNanos(nanos));
    }
  }

  /**
   * A count that {@code owner} keeps (refused certificates, denied calls), exposed as a
   * counter for as long as the owner lives (the registry holds it weakly).
   */
  public <T> void exposeCount(String name, String help, Tags tags, T owner,
      ToLongFunction<T> count) {
    FunctionCounter.builder(name, owner, o -> count.applyAsLong(o))
        .description(help).tags(tags).register(registry);
  }

  /** A level that {@code owner} keeps, exposed as a gauge for as long as the owner lives. */
  public <T> void exposeLevel(String name, String help, Tags tags, T owner,
      ToLongFunction<T> level) {
    Gauge.builder(name, owner, o -> level.applyAsLong(o))
        .description(help).tags(tags).register(registry);
  }

  @Override
  public void rejected(String limit) {
    limitRejections.get(limit).increment();
  }

  /** The Prometheus text exposition of every metric. */
  public String scrape() {
    return registry.scrape();
  }
}
