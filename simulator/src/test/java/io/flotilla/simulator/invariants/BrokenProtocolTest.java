package io.flotilla.simulator.invariants;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.flotilla.consensus.proto.Command;
import io.flotilla.consensus.proto.PutRequest;
import io.flotilla.simulator.Progress;
import io.flotilla.simulator.Simulation;
import io.flotilla.simulator.SimulationOptions;
import io.flotilla.simulator.SimulationResult;
import io.flotilla.simulator.fleet.NodeFactory;
import io.flotilla.simulator.raft.LogEntry;
import io.flotilla.simulator.raft.RaftNode;
import io.flotilla.simulator.scenario.Scenario;
import io.flotilla.simulator.scenario.ScenarioLoader;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/**
 * Each invariant checker, shown to catch a deliberately broken variant of the protocol that
 * the standard simulator never runs. The same scenarios pass with the standard Raft node.
 */
class BrokenProtocolTest {

  /** Grants every vote it is asked for, even a second one in the same term. */
  private static final NodeFactory DOUBLE_VOTER = (member, setup) -> new RaftNode(setup) {
    @Override
    protected boolean mayVoteFor(int candidate) {
      return true;
    }
  };

  /** Five voters and listeners on a lossy LAN whose leader crashes every few seconds. */
  private static Scenario turbulent(String duration) {
    return turbulent(duration, 3000, "2ms");
  }

  /**
   * With slow links, candidates whose timeouts fire close together campaign in the same term
   * before hearing of each other, as in a split vote.
   */
  private static Scenario slowAndTurbulent(String duration) {
    return turbulent(duration, 700, "40ms");
  }

  private static Scenario turbulent(String duration, long crashEveryMillis, String latency) {
    StringBuilder faults = new StringBuilder();
    for (long t = crashEveryMillis; t < 60_000; t += crashEveryMillis) {
      faults.append("  - {type: crash-leader, group: s-0, at: ").append(t)
          .append("ms, rebootAfter: 500ms}\n");
    }
    return ScenarioLoader.parse("""
        name: turbulent
        duration: %s
        profile: lan
        area: {width: 100, height: 100}
        radio: {range: 500, loss: 0.3, edgeLoss: 0.3, latency: %s, rangeLatency: 1ms, jitter: %s}
        squads:
          - {name: s, count: 1, voters: 5, listeners: 2}
        workload:
          presence: {ttl: 3s, keepAlive: 1s}
          claims: {perMinute: 600, tasks: 100000}
          coordinator: {candidates: 5, recheck: 500ms}
        faults:
        %s""".formatted(duration, latency, latency, faults), "turbulent");
  }

  private static SimulationResult run(Scenario s, SimulationOptions o) {
    return Simulation.create(s, o).run(Progress.NONE);
  }

  private static SimulationOptions variant(NodeFactory nodes) {
    return SimulationOptions.defaults().nodes(nodes);
  }

  @Test
  void theStandardProtocolKeepsEveryInvariantInTheSameTurbulence() {
    SimulationResult r = run(turbulent("20s"), SimulationOptions.defaults().digestEvery(1));

    assertThat(r.violation()).isNull();
    assertThat(r.summary().fleet().leaderLosses()).isGreaterThanOrEqualTo(5);
  }

  @Test
  void theStandardProtocolKeepsEveryInvariantOnSlowLinksToo() {
    SimulationResult r = run(slowAndTurbulent("60s"), SimulationOptions.defaults().digestEvery(1));

    assertThat(r.violation()).as(r.violation() == null ? "" : r.violation().getMessage())
        .isNull();
    assertThat(r.summary().fleet().leaderLosses()).isGreaterThanOrEqualTo(20);
  }

  @Test
  void aNodeThatVotesTwiceInATermGivesTwoLeadersInOneTerm() {
    SimulationResult r = run(slowAndTurbulent("60s"), variant(DOUBLE_VOTER));

    assertThat(r.violation()).isNotNull();
    assertThat(r.violation().invariant()).as(r.violation().getMessage())
        .isEqualTo(Invariant.ONE_LEADER_PER_TERM);
    assertThat(r.summary().violation().replay()).contains("--replay " + r.lastEvent());
  }

  @Test
  void aReplayToTheViolatingEventReproducesItWithTheEventsLeadingUpToIt() {
    SimulationResult first = run(slowAndTurbulent("60s"), variant(DOUBLE_VOTER));
    long event = first.lastEvent();

    SimulationResult replay =
        run(slowAndTurbulent("60s"), variant(DOUBLE_VOTER).replay(event, 10));

    assertThat(replay.violation()).isNotNull();
    assertThat(replay.violation().getMessage()).isEqualTo(first.violation().getMessage());
    assertThat(replay.lastEvent()).isEqualTo(event);
    assertThat(replay.summary().traceHash()).isEqualTo(first.summary().traceHash());
    assertThat(replay.traceTail()).hasSize(10);
    assertThat(replay.traceTail().get(9)).startsWith("#" + event + " ");
  }

  @Test
  void aFollowerThatIgnoresThePreviousTermBreaksLogMatching() {
    SimulationResult r = run(turbulent("60s"), variant((member, setup) -> new RaftNode(setup) {
      @Override
      protected boolean logMatches(long prevIndex, long prevTerm) {
        return prevIndex <= log().lastIndex();
      }
    }));

    assertThat(r.violation()).isNotNull();
    assertThat(r.violation().invariant()).isEqualTo(Invariant.LOG_MATCHING);
  }

  @Test
  void aLeaderThatCommitsWithoutAMajorityLosesCommittedEntriesAtTheNextElection() {
    SimulationResult r = run(turbulent("20s"), variant((member, setup) -> new RaftNode(setup) {
      @Override
      protected int commitQuorum() {
        return 1;
      }
    }).checking(EnumSet.of(Invariant.LEADER_COMPLETENESS)));

    assertThat(r.violation()).isNotNull();
    assertThat(r.violation().invariant()).isEqualTo(Invariant.LEADER_COMPLETENESS);
  }

  @Test
  void aLeaderThatCommitsWithoutAMajorityLosesAcknowledgedWrites() {
    SimulationResult r = run(turbulent("60s"), variant((member, setup) -> new RaftNode(setup) {
      @Override
      protected int commitQuorum() {
        return 1;
      }
    }).checking(EnumSet.of(Invariant.ACKNOWLEDGED_WRITES)));

    assertThat(r.violation()).isNotNull();
    assertThat(r.violation().invariant()).isEqualTo(Invariant.ACKNOWLEDGED_WRITES);
  }

  @Test
  void aReplicaThatAppliesACorruptedEntryDivergesInState() {
    ByteString corrupt = Command.newBuilder().setPut(PutRequest.newBuilder()
        .setKey(ByteString.copyFromUtf8("corrupt")).setValue(ByteString.copyFromUtf8("!")))
        .build().toByteString();
    SimulationResult r = run(turbulent("20s"), variant((member, setup) -> {
      if (member.position() != 2) {
        return new RaftNode(setup);
      }
      return new RaftNode(setup) {
        @Override
        public LogEntry committedEntry(long index) {
          LogEntry e = super.committedEntry(index);
          return index == 40 && !e.isNoOp()
              ? new LogEntry(e.id(), e.term(), e.leaderTimeMillis(), corrupt) : e;
        }
      };
    }).digestEvery(1));

    assertThat(r.violation()).isNotNull();
    assertThat(r.violation().invariant()).isEqualTo(Invariant.STATE_DIGEST);
    assertThat(r.violation().getMessage()).contains("index 40");
  }

  private static final String CALM = """
      name: calm
      duration: 20s
      profile: lan
      area: {width: 100, height: 100}
      radio: {range: 500, loss: 0.0}
      squads:
        - {name: s, count: 1, voters: 3, listeners: 2}
      workload:
        presence: {ttl: 3s, keepAlive: 1s}
        coordinator: {candidates: 3, recheck: 300ms}
      """;
  /** An hour ahead every 2 s, as a clock that a bad time source keeps resetting. */
  private static final long STEP = 2_000_000;

  private static long jumped(long millis, long now) {
    return millis + now / STEP * 3_600_000;
  }

  @Test
  void aLeaseClockThatJumpsAheadExpiresAHoldersLeaseWhileItStillHoldsTheRole() {
    SimulationResult r = run(ScenarioLoader.parse(CALM, "calm"),
        variant((member, setup) -> new RaftNode(setup) {
          @Override
          public long monotonicMillis(long now) {
            return jumped(super.monotonicMillis(now), now);
          }
        }));

    assertThat(r.violation()).isNotNull();
    assertThat(r.violation().invariant()).isEqualTo(Invariant.ONE_ROLE_HOLDER);
    assertThat(r.summary().violation().time()).isGreaterThan("00:00:02");
  }

  @Test
  void wallClocksThatJumpAheadEndNoLeaseAndKeepOneHolder() {
    // Leases once ran on the leader's wall clock, and this same run broke ONE_ROLE_HOLDER.
    SimulationResult r = run(ScenarioLoader.parse(CALM, "calm"),
        variant((member, setup) -> new RaftNode(setup) {
          @Override
          public long clockMillis(long now) {
            return jumped(super.clockMillis(now), now);
          }
        }));

    assertThat(r.violation()).isNull();
    assertThat(r.summary().fleet().writesAcked()).isGreaterThan(50);
  }

  @Test
  void withoutTheJumpTheSameRunKeepsOneHolder() {
    SimulationResult r = run(ScenarioLoader.parse(CALM, "calm"), SimulationOptions.defaults());

    assertThat(r.violation()).isNull();
    assertThat(r.summary().fleet().writesAcked()).isGreaterThan(50);
  }
}
