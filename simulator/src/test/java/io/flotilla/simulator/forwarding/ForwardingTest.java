package io.flotilla.simulator.forwarding;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.flotilla.consensus.proto.KeyValue;
import io.flotilla.consensus.proto.Query;
import io.flotilla.consensus.proto.QueryReply;
import io.flotilla.consensus.proto.RangeRequest;
import io.flotilla.simulator.Progress;
import io.flotilla.simulator.Simulation;
import io.flotilla.simulator.SimulationOptions;
import io.flotilla.simulator.SimulationResult;
import io.flotilla.simulator.fleet.Group;
import io.flotilla.simulator.fleet.Member;
import io.flotilla.simulator.kernel.SimTime;
import io.flotilla.simulator.raft.RaftLog;
import io.flotilla.simulator.report.RunSummary;
import io.flotilla.simulator.scenario.ScenarioLoader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ForwardingTest {
  /** Two squads and a council of three ground stations; s-1 is cut off from 20 s to 35 s. */
  private static final String FLEET = """
      name: forwarding
      duration: 60s
      profile: lan
      area: {width: 1000, height: 1000}
      radio: {range: 800, loss: 0.05, edgeLoss: 0.2, latency: 2ms, rangeLatency: 2ms, jitter: 2ms}
      squads:
        - {name: s, count: 2, voters: 3, listeners: 2}
      council: {kind: ground-stations, stations: 3, voters: 3, range: 3000, reportEvery: 5s,
                forward: {batch: 8, delay: 500ms}}
      workload:
        presence: {ttl: 5s, keepAlive: 1s}
        claims: {perMinute: 30, tasks: 500}
        reads: {perMinute: 10}
        coordinator: {candidates: 2, recheck: 1s}
      faults:
        - {type: crash-leader, group: s-0, at: 10s, rebootAfter: 3s}
        - {type: isolate, agents: [s-1-0, s-1-1, s-1-2, s-1-3, s-1-4], at: 20s, duration: 15s}
      """;

  @Test
  void decisionsReachTheCouncilExactlyOnceAcrossALeaderCrashAndAPartition() {
    Simulation sim = Simulation.create(ScenarioLoader.parse(FLEET, "forwarding"),
        SimulationOptions.defaults());
    Group council = sim.group("council");
    Group cutOff = sim.group("s-1");

    sim.advanceTo(SimTime.seconds(22));
    long cursorEarly = cursor(council, "s-1");
    int committedEarly = decisions(cutOff, Long.MAX_VALUE).size();
    sim.advanceTo(SimTime.seconds(34));
    assertThat(cursor(council, "s-1")).as("nothing gets through the partition")
        .isEqualTo(cursorEarly);
    assertThat(decisions(cutOff, Long.MAX_VALUE).size()).as("the squad went on deciding")
        .isGreaterThan(committedEarly + 10);

    sim.advanceTo(SimTime.seconds(50));
    long[] committedAt50 = {lastDecision(sim.group("s-0")), lastDecision(cutOff)};
    SimulationResult r = sim.run(Progress.NONE);

    assertThat(r.ok()).as(String.valueOf(r.violation())).isTrue();
    for (int s = 0; s < 2; s++) {
      Group squad = sim.group("s-" + s);
      long cursor = cursor(council, squad.name());
      List<Long> inCouncil = forwardedIndexes(council, squad.name());
      List<Long> committed = decisions(squad, cursor);
      assertThat(inCouncil).as(squad + ": each decision once, in order, none skipped")
          .containsExactlyElementsOf(committed);
      assertThat(cursor).as(squad + ": caught up after the heal")
          .isGreaterThan(committedAt50[s]);
    }
    RunSummary.Forwarding f = r.summary().forwarding();
    assertThat(f.decisions()).isEqualTo(forwardedIndexes(council, "s-0").size()
        + forwardedIndexes(council, "s-1").size());
    // The new leader of s-0 starts from cursor 1 and is told where the council stands.
    assertThat(f.duplicatesRefused()).isPositive();
    assertThat(f.backlogMax()).as("s-1's backlog during the partition").isGreaterThan(10);
    assertThat(f.delayMillis().max()).as("decisions held through the partition")
        .isGreaterThan(10_000);
  }

  /** The council leader's cursor for {@code squad}: the next squad index it expects. */
  private static long cursor(Group council, String squad) {
    return ForwardBatch.cursorIn(council.leader().state(), squad);
  }

  /** The squad indexes of every decision the council holds for {@code squad}, batch by batch. */
  private static List<Long> forwardedIndexes(Group council, String squad) {
    ByteString q = Query.newBuilder().setRange(RangeRequest.newBuilder()
        .setKey(ForwardBatch.batchPrefix(squad)).setPrefix(true)).build().toByteString();
    List<Long> out = new ArrayList<>();
    try {
      for (KeyValue kv : QueryReply.parseFrom(council.leader().state().query(q).join())
          .getRange().getKvsList()) {
        String[] lines = kv.getValue().toStringUtf8().split("\n");
        for (int i = 1; i < lines.length; i++) {
          out.add(Long.parseLong(lines[i].split(" ")[0]));
        }
      }
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
    return out;
  }

  /** The indexes of the squad's committed decisions below {@code before}. */
  private static List<Long> decisions(Group squad, long before) {
    Member leader = squad.leader();
    RaftLog log = leader.node().log();
    List<Long> out = new ArrayList<>();
    for (long i = 1; i <= leader.node().commitIndex() && i < before; i++) {
      if (Decision.of(i, log.entry(i)) != null) {
        out.add(i);
      }
    }
    return out;
  }

  private static long lastDecision(Group squad) {
    List<Long> all = decisions(squad, Long.MAX_VALUE);
    return all.get(all.size() - 1);
  }
}
