package io.flotilla.agent.voters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.flotilla.agent.Squads;
import io.flotilla.agent.api.ClusterGrpc;
import io.flotilla.agent.api.GroupCall;
import io.flotilla.agent.api.HealthReport;
import io.flotilla.agent.api.KVGrpc;
import io.flotilla.agent.api.Member;
import io.flotilla.agent.api.MemberListReply;
import io.flotilla.agent.api.PutCall;
import io.flotilla.agent.api.VoterChangeRecord;
import io.flotilla.consensus.proto.PutRequest;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A squad of five agent nodes (three voters, two listeners, {@code voters: 3}) whose leader
 * keeps the voter set healthy: what operators can count on. That a battery hovering around the
 * threshold changes nothing is the decision core's to show, on its own clock
 * ({@code VoterManagerTest}); here, that agents' reports reach it and its decisions are made.
 */
class SelfHealingVotersTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String SQUAD = "squad-1";

  @TempDir Path dir;

  @Test
  void drainedAndDeadVotersAreReplacedByListenersWhileTheSquadKeepsCommitting()
      throws Exception {
    try (Squads fleet = new Squads(dir)) {
      fleet.group(SQUAD, "d", 5, 3, g -> g.withVoters(3));
      fleet.startAll();
      await().atMost(WAIT).until(() -> fleet.leader(SQUAD) != null);
      Writer writer = new Writer(fleet);
      writer.start();
      try {
        String drained = nonLeaderVoter(fleet);
        ClusterGrpc.newBlockingStub(fleet.agent(drained).channel())
            .reportHealth(HealthReport.newBuilder().setBattery(10).build());
        await().atMost(WAIT).until(() -> !voters(fleet).contains(drained));
        assertThat(voters(fleet)).hasSize(3);
        assertThat(changes(fleet)).anySatisfy(c -> {
          assertThat(c.getKind()).isEqualTo("SWAP");
          assertThat(c.getOut()).isEqualTo(drained);
          assertThat(c.getReason()).isEqualTo(drained + ": battery 10% < 20%");
        });

        String killed = voters(fleet).stream().filter(v -> !v.equals(fleet.leader(SQUAD))
            && !v.equals(Writer.VIA)).findFirst().orElseThrow();
        fleet.stop(killed);
        await().atMost(WAIT).until(() -> !voters(fleet).contains(killed));
        List<String> voters = voters(fleet);
        assertThat(voters).hasSize(3).doesNotContain(drained, killed);
        assertThat(changes(fleet)).filteredOn(c -> killed.equals(c.getOut())).isNotEmpty();
        // The squad stayed available throughout, and commits with its new voters.
        writer.stop();
        assertThat(writer.failures).as("writes that failed during the changes").isEmpty();
        assertThat(writer.done.get()).isGreaterThan(10);
        put(fleet, "after", "changes");
      } finally {
        writer.stop();
      }
    }
  }

  private static String nonLeaderVoter(Squads fleet) {
    String leader = fleet.leader(SQUAD);
    return voters(fleet).stream().filter(v -> !v.equals(leader)
        && fleet.agent(v).node() != null).findFirst().orElseThrow();
  }

  private static MemberListReply members(Squads fleet) {
    String leader = fleet.leader(SQUAD);
    return ClusterGrpc.newBlockingStub(fleet.agent(leader == null ? "d5" : leader).channel())
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .memberList(GroupCall.newBuilder().setGroup(SQUAD).build());
  }

  private static List<String> voters(Squads fleet) {
    try {
      return members(fleet).getMembersList().stream()
          .filter(m -> m.getRole() == Member.Role.VOTER).map(Member::getId).toList();
    } catch (RuntimeException e) {
      return List.of("unknown", "while", "electing", "?");
    }
  }

  private static List<VoterChangeRecord> changes(Squads fleet) {
    return members(fleet).getChangesList();
  }

  private static void put(Squads fleet, String key, String value) {
    String via = fleet.leader(SQUAD);
    KVGrpc.newBlockingStub(fleet.agent(via == null ? "d4" : via).channel())
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .put(PutCall.newBuilder().setGroup(SQUAD).setPut(PutRequest.newBuilder()
            .setKey(ByteString.copyFromUtf8(key)).setValue(ByteString.copyFromUtf8(value)))
            .build());
  }

  /** Writes in a loop through an agent that is never stopped. */
  private static final class Writer {
    static final String VIA = "d5";
    final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger done = new AtomicInteger();
    final AtomicBoolean running = new AtomicBoolean(true);
    final Thread thread;

    Writer(Squads fleet) {
      thread = new Thread(() -> {
        for (int i = 0; running.get(); i++) {
          try {
            KVGrpc.newBlockingStub(fleet.agent(VIA).channel())
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .put(PutCall.newBuilder().setGroup(SQUAD).setPut(PutRequest.newBuilder()
                    .setKey(ByteString.copyFromUtf8("mission/step")).setValue(
                        ByteString.copyFromUtf8(Integer.toString(i)))).build());
            done.incrementAndGet();
          } catch (StatusRuntimeException e) {
            failures.add(e.getStatus().toString());
          }
          try {
            Thread.sleep(200);
          } catch (InterruptedException e) {
            return;
          }
        }
      });
    }

    void start() {
      thread.start();
    }

    void stop() throws InterruptedException {
      running.set(false);
      thread.join();
    }
  }
}
