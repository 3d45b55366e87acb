package io.flotilla.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fleet of real agent-node processes in three squads with a council of three ground stations
 * ({@code fleet up --agents 13 --squads 3 --council ground:3}), driven through the CLI: voters
 * that die or drain are replaced by listeners while the squad keeps committing, and decisions
 * travel between the squads and the council once each.
 */
class SquadFleetTest {
  private static final Duration WAIT = Duration.ofSeconds(120);
  @TempDir Path dir;

  @Test
  void votersThatDieOrDrainAreReplacedWhileDecisionsReachTheCouncilOnce() throws Exception {
    ProcessFleet fleet = ProcessFleet.up(dir, Topology.parse(13, 3, 3, "ground:3"), "lan", false);
    try {
      Map<String, String> leaders = fleet.awaitLeaders(WAIT);
      assertThat(leaders).containsOnlyKeys("squad-1", "squad-2", "squad-3", "council");
      // squad-1 holds agent-1..5: voters agent-1..3, listeners agent-4 and agent-5.
      assertThat(voters("squad-1", fleet)).containsExactlyInAnyOrder("agent-1", "agent-2",
          "agent-3");

      String squad1 = String.join(",", Stream.of("agent-5", "agent-4", "agent-1", "agent-2",
          "agent-3").map(id -> fleet.agent(id).api).toList());
      List<String> failures = Collections.synchronizedList(new ArrayList<>());
      AtomicBoolean writing = new AtomicBoolean(true);
      List<String> written = Collections.synchronizedList(new ArrayList<>());
      Thread writer = new Thread(() -> {
        for (int i = 0; writing.get(); i++) {
          // Through the squad's agents as the CLI goes: the first one up whose side has a
          // quorum (agent-5 comes first and is never stopped, but while it is promoted it is
          // out of the group for a moment).
          CliRun put = CliRun.of("put", "decisions/task-" + i, "step " + i, "--group", "squad-1",
              "--endpoints", squad1, "--timeout", "10s");
          if (put.exit() == 0) {
            written.add("task-" + i);
          } else {
            failures.add(put.err().strip());
          }
        }
      });
      writer.start();
      try {
        for (int round = 0; round < 2; round++) {
          String leader = fleet.leader("squad-1", Duration.ofSeconds(2)).orElseThrow();
          String victim = voters("squad-1", fleet).stream()
              .filter(v -> !v.equals(leader) && !v.equals("agent-5")).findFirst().orElseThrow();
          fleet.kill(fleet.agent(victim));
          // Its record is committed once the reconfiguration has: killing the next voter
          // before then would take a majority of the old voters.
          await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
              .until(() -> changedOut("squad-1", victim, fleet));
          assertThat(voters("squad-1", fleet)).hasSize(3).doesNotContain(victim);
        }
      } finally {
        writing.set(false);
        writer.join();
      }
      assertThat(failures).as("writes to squad-1 that failed while its voters died").isEmpty();
      assertThat(written).hasSizeGreaterThan(5);
      JsonNode changes = members("squad-1", fleet).get("changes");
      assertThat(StreamSupport.stream(changes.spliterator(), false)
          .map(c -> c.get("kind").asText() + " " + c.get("reason").asText()))
          .hasSize(2).allMatch(c -> c.startsWith("swap "));

      // A voter of squad-2 reports a drained battery: a listener takes its vote.
      String leader2 = fleet.leader("squad-2", Duration.ofSeconds(2)).orElseThrow();
      String drained = voters("squad-2", fleet).stream().filter(v -> !v.equals(leader2))
          .findFirst().orElseThrow();
      CliRun health = CliRun.of("health", "--battery", "8", "--endpoints",
          fleet.agent(drained).api);
      assertThat(health.exit()).as(health.toString()).isZero();
      await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
          .until(() -> changedOut("squad-2", drained, fleet));
      assertThat(voters("squad-2", fleet)).hasSize(3);
      assertThat(members("squad-2", fleet).get("changes").get(0).get("reason").asText())
          .isEqualTo(drained + ": battery 8% < 20%");

      // Every acknowledged decision reached the council exactly once; the council's decision
      // came down into every squad.
      CliRun fleetDecision = CliRun.of("put", "fleet/airspace/sector-4", "reserved",
          "--group", "council", "--endpoints", fleet.endpoints(), "--timeout", "10s");
      assertThat(fleetDecision.exit()).as(fleetDecision.toString()).isZero();
      await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).until(() ->
          keys("council", "squads/squad-1/decisions/", fleet).size() >= written.size());
      List<JsonNode> up = keys("council", "squads/squad-1/decisions/", fleet);
      assertThat(up).extracting(kv -> kv.get("key").asText().substring(
          "squads/squad-1/decisions/".length())).containsAll(written);
      assertThat(up).allMatch(kv -> kv.get("version").asLong() == 1);
      for (String squad : List.of("squad-1", "squad-2", "squad-3")) {
        await().atMost(WAIT).pollInterval(Duration.ofSeconds(1))
            .until(() -> keys(squad, "fleet/", fleet).size() == 1);
      }
    } finally {
      fleet.down(Duration.ofSeconds(10));
    }
  }

  private static JsonNode members(String group, ProcessFleet fleet) {
    CliRun r = CliRun.of("members", "--group", group, "-o", "json", "--endpoints",
        fleet.endpoints(), "--timeout", "10s");
    assertThat(r.exit()).as(r.toString()).isZero();
    return r.json();
  }

  private static boolean changedOut(String group, String voter, ProcessFleet fleet) {
    return StreamSupport.stream(members(group, fleet).get("changes").spliterator(), false)
        .anyMatch(c -> voter.equals(c.get("out").asText()));
  }

  private static List<String> voters(String group, ProcessFleet fleet) {
    return StreamSupport.stream(members(group, fleet).get("members").spliterator(), false)
        .filter(m -> m.get("role").asText().equals("voter")).map(m -> m.get("id").asText())
        .toList();
  }

  private static List<JsonNode> keys(String group, String prefix, ProcessFleet fleet) {
    CliRun r = CliRun.of("get", "--prefix", prefix, "--group", group, "-o", "json",
        "--endpoints", fleet.endpoints(), "--timeout", "10s");
    return r.exit() == 0
        ? StreamSupport.stream(r.json().get("kvs").spliterator(), false).toList()
        : List.of();
  }
}
