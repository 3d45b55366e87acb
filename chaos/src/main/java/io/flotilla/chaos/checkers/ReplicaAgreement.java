package io.flotilla.chaos.checkers;

import io.flotilla.agent.api.ClusterGrpc;
import io.flotilla.agent.api.GroupCall;
import io.flotilla.agent.api.Member;
import io.flotilla.chaos.cluster.ClusterNode;
import io.flotilla.chaos.cluster.DockerCluster;
import io.flotilla.chaos.workload.Check;
import io.flotilla.consensus.proto.StateDigestResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Whether the members' replicas hold the same state once they have applied the same entries.
 * Replicas that applied one log differently have diverged, whatever the clients saw: a
 * divergence the histories cannot show (a member that refused what the others applied) shows
 * here. Judged on the digests ({@code Cluster.StateDigest}) of the group's members as its
 * leader lists them (a node a nemesis removed and could not add back no longer applies), read
 * after the run when they stop moving; unknown if they do not reach one applied index in time.
 */
public final class ReplicaAgreement {
  static final String NAME = "replicas-agree";

  private ReplicaAgreement() {}

  public static Check check(DockerCluster cluster, Duration patience)
      throws InterruptedException {
    long deadline = System.nanoTime() + patience.toNanos();
    Map<String, String> last = Map.of();
    while (true) {
      List<ClusterNode> members = members(cluster);
      Map<String, StateDigestResponse> digests = new LinkedHashMap<>();
      Map<String, String> seen = new LinkedHashMap<>();
      for (ClusterNode n : members) {
        try {
          StateDigestResponse d = n.stateDigest();
          digests.put(n.id(), d);
          seen.put(n.id(), "applied " + d.getAppliedIndex());
        } catch (RuntimeException e) {
          seen.put(n.id(), "unreachable");
        }
      }
      last = seen;
      if (!members.isEmpty() && digests.size() == members.size()
          && digests.values().stream().map(StateDigestResponse::getAppliedIndex).distinct()
              .count() == 1) {
        return judge(digests);
      }
      if (System.nanoTime() > deadline) {
        return new Check(NAME, Validity.UNKNOWN, "the replicas did not reach one applied index "
            + "in " + patience.toSeconds() + " s: " + last, Optional.empty());
      }
      Thread.sleep(200);
    }
  }

  /** The nodes the group's leader lists as members; none while no leader answers. */
  private static List<ClusterNode> members(DockerCluster cluster) {
    Optional<ClusterNode> leader = cluster.leader();
    if (leader.isEmpty()) {
      return List.of();
    }
    try {
      Set<String> ids = ClusterGrpc.newBlockingStub(leader.get().channel())
          .withDeadlineAfter(5, TimeUnit.SECONDS)
          .memberList(GroupCall.newBuilder().setGroup(leader.get().group()).build())
          .getMembersList().stream().map(Member::getId).collect(Collectors.toSet());
      return cluster.nodes().stream().filter(n -> ids.contains(n.id())).toList();
    } catch (RuntimeException e) {
      return List.of();
    }
  }

  /** Digests of replicas at one applied index: all equal, or the groups of equal ones. */
  static Check judge(Map<String, StateDigestResponse> digests) {
    long index = digests.values().iterator().next().getAppliedIndex();
    Map<String, List<String>> byDigest = digests.entrySet().stream().collect(Collectors.groupingBy(
        e -> hex(e.getValue()), LinkedHashMap::new,
        Collectors.mapping(Map.Entry::getKey, Collectors.toList())));
    if (byDigest.size() == 1) {
      return new Check(NAME, Validity.VALID, digests.size() + " replicas identical at applied "
          + "index " + index, Optional.empty());
    }
    return new Check(NAME, Validity.INVALID, "replicas diverged at applied index " + index + ": "
        + byDigest.values().stream().map(ids -> String.join(", ", ids))
            .collect(Collectors.joining(" | ")) + " hold different states", Optional.empty());
  }

  private static String hex(StateDigestResponse d) {
    StringBuilder b = new StringBuilder();
    for (byte x : d.getSha256().toByteArray()) {
      b.append(String.format("%02x", x));
    }
    return b.toString();
  }
}
