package io.flotilla.chaos.cluster;

import static io.flotilla.agent.config.SquadsAndCouncil.COUNCIL;
import static io.flotilla.chaos.cluster.DockerCluster.SQUAD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.flotilla.agent.api.Consistency;
import io.flotilla.agent.api.KVGrpc;
import io.flotilla.agent.api.PutCall;
import io.flotilla.agent.api.RangeCall;
import io.flotilla.agent.config.SquadsAndCouncil;
import io.flotilla.chaos.nemesis.Partitions;
import io.flotilla.consensus.proto.KeyValue;
import io.flotilla.consensus.proto.PutRequest;
import io.flotilla.consensus.proto.RangeRequest;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Issue 9 in real containers: a squad (agent-1..3) cut off from its council (ground-1..3) goes on
 * committing decisions; its leader dies during the cut; after the heal the new leader delivers the
 * whole backlog to the council, each decision once, and the council's decision made during the cut
 * comes down into the squad once.
 */
@RequiresDocker
class SquadPartitionTest {
  private static final Duration WAIT = Duration.ofSeconds(120);
  /** Where the nodes' logs go when the test fails. */
  private static final Path LOGS = Path.of("target/squad-partition");
  private static final String UP_IN_COUNCIL = "squads/" + SQUAD + "/" + SquadsAndCouncil.UP;
  private static final String FLEET_DECISION = SquadsAndCouncil.DOWN + "airspace/sector-4";

  @Test
  void aSquadCutOffFromItsCouncilCommitsLocallyAndTheCouncilGetsTheBacklogOnceAfterTheHeal()
      throws IOException {
    try (DockerCluster cluster = DockerCluster.squadAndCouncil(
        new DockerCluster.Squads(3, 3, "lan"))) {
      try {
        cutKillAndHeal(cluster);
      } catch (AssertionError | RuntimeException e) {
        cluster.saveLogs(LOGS);
        throw e;
      }
    }
  }

  private static void cutKillAndHeal(DockerCluster cluster) {
    await().atMost(WAIT).pollInterval(Duration.ofSeconds(1))
        .until(() -> cluster.leader(SQUAD).isPresent() && cluster.leader(COUNCIL).isPresent());
    ClusterNode leader = cluster.leader(SQUAD).orElseThrow();
    // Writes go through a squad member that stays up; it passes them to whoever leads.
    ClusterNode via = cluster.nodes(SQUAD).stream().filter(n -> n != leader).findFirst()
        .orElseThrow();
    List<String> written = new ArrayList<>();

    // Connected: decisions reach the council.
    write(via, "before-", 5, written);
    await().atMost(WAIT).pollInterval(Duration.ofMillis(500))
        .until(() -> councilKeys(cluster).keySet(), keys -> keys.containsAll(up(written)));
    List<String> beforeCut = List.copyOf(written);

    List<String> squadIds = cluster.nodes(SQUAD).stream().map(ClusterNode::id).toList();
    List<String> councilIds = cluster.nodes(COUNCIL).stream().map(ClusterNode::id).toList();
    System.out.println("cut: " + Partitions.cut(cluster, squadIds, councilIds));

    // Cut off: every write to the squad commits; the council decides on its own side.
    write(via, "cut-", 10, written);
    ClusterNode councilMember = cluster.nodes(COUNCIL).get(0);
    put(councilMember, COUNCIL, FLEET_DECISION, "reserved");

    // The squad's leader dies during the cut; the two left elect another and go on.
    leader.kill();
    long killed = System.nanoTime();
    await().atMost(WAIT).pollInterval(Duration.ofMillis(500))
        .until(() -> cluster.leader(SQUAD).filter(l -> l != leader).isPresent());
    ClusterNode newLeader = cluster.leader(SQUAD).orElseThrow();
    long elected = System.nanoTime();
    // The agent's client may still be trying the dead leader; a write outside the forwarded
    // prefix shows when the squad takes writes through `via` again (a timed-out probe may or
    // may not have been applied, so decisions are never used to probe).
    AtomicInteger probes = new AtomicInteger();
    await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() ->
        put(via, SQUAD, "probe/after-kill-" + probes.incrementAndGet(), "probe") > 0);
    System.out.printf("squad leader %s killed; %s leads squad-1 %d ms after the kill; writes "
        + "through %s go on after %d probe(s), %d ms after the kill%n", leader.id(),
        newLeader.id(), (elected - killed) / 1_000_000, via.id(), probes.get(),
        (System.nanoTime() - killed) / 1_000_000);
    write(via, "cut-after-kill-", 10, written);

    // For some seconds nothing crosses the cut: the squad holds every decision, the council
    // only those from before it, and the council's decision has not come down.
    await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500)).until(() ->
            councilKeys(cluster).keySet().equals(up(beforeCut))
                && range(via, SQUAD, SquadsAndCouncil.UP).keySet().equals(squadKeys(written))
                && range(via, SQUAD, SquadsAndCouncil.DOWN).isEmpty());

    Partitions.heal(cluster);
    long healed = System.nanoTime();
    await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
        .until(() -> councilKeys(cluster).keySet(), keys -> keys.containsAll(up(written)));
    long upMillis = (System.nanoTime() - healed) / 1_000_000;
    await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
        .until(() -> range(via, SQUAD, SquadsAndCouncil.DOWN).containsKey(FLEET_DECISION));
    long downMillis = (System.nanoTime() - healed) / 1_000_000;
    System.out.printf("heal to delivery: backlog of %d decisions in the council after %d ms, "
        + "the council's decision in the squad after %d ms%n",
        written.size() - beforeCut.size(), upMillis, downMillis);

    // Every acknowledged decision is in the council once, none missing, none extra.
    Map<String, KeyValue> council = councilKeys(cluster);
    assertThat(council.keySet()).containsExactlyInAnyOrderElementsOf(up(written));
    assertThat(council.values()).allSatisfy(kv -> assertThat(kv.getVersion())
        .as("version of %s in the council", kv.getKey().toStringUtf8()).isEqualTo(1));
    Map<String, KeyValue> down = range(via, SQUAD, SquadsAndCouncil.DOWN);
    assertThat(down.keySet()).containsExactly(FLEET_DECISION);
    assertThat(down.get(FLEET_DECISION).getVersion()).isEqualTo(1);
    assertThat(down.get(FLEET_DECISION).getValue().toStringUtf8()).isEqualTo("reserved");

    // The old leader comes back, catches up, and nothing is forwarded twice.
    leader.start();
    await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
        .until(() -> stale(leader, SQUAD, SquadsAndCouncil.UP).keySet()
            .equals(squadKeys(written)));
    assertThat(councilKeys(cluster).values()).hasSize(written.size())
        .allMatch(kv -> kv.getVersion() == 1);
  }

  /** Writes {@code n} decisions through {@code node}; each must be acknowledged. */
  private static void write(ClusterNode node, String prefix, int n, List<String> written) {
    for (int i = 0; i < n; i++) {
      String name = prefix + i;
      put(node, SQUAD, SquadsAndCouncil.UP + name, "decided " + name);
      written.add(name);
    }
  }

  private static long put(ClusterNode node, String group, String key, String value) {
    try {
      return KVGrpc.newBlockingStub(node.channel()).withDeadlineAfter(30, TimeUnit.SECONDS)
          .put(PutCall.newBuilder().setGroup(group).setPut(PutRequest.newBuilder()
              .setKey(ByteString.copyFromUtf8(key)).setValue(ByteString.copyFromUtf8(value)))
              .build())
          .getRevision();
    } catch (StatusRuntimeException e) {
      throw new AssertionError("put " + key + " to " + group + " through " + node.id()
          + " failed: " + e.getStatus(), e);
    }
  }

  private static Map<String, KeyValue> range(ClusterNode node, String group, String prefix) {
    return range(node, group, prefix, Consistency.LINEARIZABLE);
  }

  private static Map<String, KeyValue> stale(ClusterNode node, String group, String prefix) {
    return range(node, group, prefix, Consistency.STALE);
  }

  private static Map<String, KeyValue> range(ClusterNode node, String group, String prefix,
      Consistency consistency) {
    Map<String, KeyValue> kvs = new TreeMap<>();
    KVGrpc.newBlockingStub(node.channel()).withDeadlineAfter(10, TimeUnit.SECONDS)
        .range(RangeCall.newBuilder().setGroup(group).setConsistency(consistency)
            .setRange(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8(prefix))
                .setPrefix(true)).build())
        .getKvsList().forEach(kv -> kvs.put(kv.getKey().toStringUtf8(), kv));
    return kvs;
  }

  /** The squad's decisions as the council holds them, read from the first member that answers. */
  private static Map<String, KeyValue> councilKeys(DockerCluster cluster) {
    StatusRuntimeException last = null;
    for (ClusterNode n : cluster.nodes(COUNCIL)) {
      try {
        return range(n, COUNCIL, UP_IN_COUNCIL);
      } catch (StatusRuntimeException e) {
        last = e;
      }
    }
    throw last;
  }

  /** The council's keys for these decisions. */
  private static Set<String> up(List<String> names) {
    return names.stream().map(n -> UP_IN_COUNCIL + n)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** The squad's keys for these decisions. */
  private static Set<String> squadKeys(List<String> names) {
    return names.stream().map(n -> SquadsAndCouncil.UP + n)
        .collect(Collectors.toCollection(TreeSet::new));
  }
}
