package io.flotilla.chaos.cluster;

import static org.awaitility.Awaitility.await;

import io.flotilla.agent.api.StatusCall;
import io.flotilla.agent.api.StatusGrpc;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

@RequiresDocker
class DockerClusterTest {
  @Test
  void threeAgentContainersElectALeaderAndPartitionsCutTheirRaftTraffic() {
    try (DockerCluster cluster = new DockerCluster(new DockerCluster.Settings(3, "lan", false))) {
      await().atMost(Duration.ofSeconds(60)).until(() -> leaders(cluster) == 1);

      ClusterNode n1 = cluster.node("n1");
      for (ClusterNode other : cluster.nodes()) {
        if (other != n1) {
          n1.iptables(List.of(List.of("-A", "INPUT", "-s", other.ip(), "-j", "DROP"),
              List.of("-A", "OUTPUT", "-d", other.ip(), "-j", "DROP")));
        }
      }
      // The other two agree on a leader among themselves; n1 cannot lead a majority alone.
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        String l2 = leaderOf(cluster.node("n2"));
        return (l2.equals("n2") || l2.equals("n3")) && l2.equals(leaderOf(cluster.node("n3")));
      });

      n1.iptables(List.of(List.of("-F", "INPUT"), List.of("-F", "OUTPUT")));
      await().atMost(Duration.ofSeconds(60)).until(() -> leaders(cluster) == 1
          && leaderOf(n1).equals(leaderOf(cluster.node("n2"))));
    }
  }

  private static long leaders(DockerCluster c) {
    return c.nodes().stream().filter(n -> role(n).equals("LEADER")).count();
  }

  private static String role(ClusterNode n) {
    try {
      return StatusGrpc.newBlockingStub(n.channel()).withDeadlineAfter(2, TimeUnit.SECONDS)
          .status(StatusCall.getDefaultInstance()).getGroups(0).getRole();
    } catch (RuntimeException e) {
      return "";
    }
  }

  private static String leaderOf(ClusterNode n) {
    try {
      return StatusGrpc.newBlockingStub(n.channel()).withDeadlineAfter(2, TimeUnit.SECONDS)
          .status(StatusCall.getDefaultInstance()).getGroups(0).getLeaderId();
    } catch (RuntimeException e) {
      return "";
    }
  }
}
