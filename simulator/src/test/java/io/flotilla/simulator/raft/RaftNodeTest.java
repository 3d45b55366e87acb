package io.flotilla.simulator.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.simulator.raft.RaftMessage.Append;
import io.flotilla.simulator.raft.RaftMessage.AppendResponse;
import io.flotilla.simulator.raft.RaftMessage.TimeoutNow;
import io.flotilla.simulator.raft.RaftMessage.VoteRequest;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The Raft rules the simulator's replicas follow, one behaviour per test. */
class RaftNodeTest {

  @Nested
  class Elections {
    @Test
    void aFollowerTimesOutWithinTheConfiguredBoundsAndAsksForPreVotesFirst() {
      Cluster c = new Cluster(3, 0);
      long deadline = c.node(0).nextDeadline();
      assertThat(deadline).isBetween(Cluster.TIMING.electionMin(), Cluster.TIMING.electionMax());

      c.advance(deadline);

      assertThat(c.node(0).role()).isEqualTo(Role.PRE_CANDIDATE);
      assertThat(c.node(0).term()).as("a pre-vote does not change the term").isZero();
      assertThat(c.queued(VoteRequest.class)).allMatch(VoteRequest::preVote).hasSize(2)
          .allMatch(v -> v.term() == 1);
    }

    @Test
    void aMajorityOfPreVotesStartsARealElectionThatTheCandidateWins() {
      Cluster c = new Cluster(3, 0);
      c.advance(c.node(0).nextDeadline());
      c.deliverAll();

      assertThat(c.node(0).isLeader()).isTrue();
      assertThat(c.node(0).term()).isEqualTo(1);
      assertThat(c.node(1).leader()).isEqualTo(0);
      assertThat(c.node(2).leader()).isEqualTo(0);
    }

    @Test
    void aVoterGrantsOneVotePerTerm() {
      Cluster c = new Cluster(3, 0);
      RaftNode voter = c.node(2);
      voter.handle(new VoteRequest(0, 2, 1, 0, 0, false, false), 0);
      voter.handle(new VoteRequest(1, 2, 1, 0, 0, false, false), 0);

      assertThat(voter.term()).isEqualTo(1);
      assertThat(c.disks.get(2).votedFor()).isEqualTo(0);
      assertThat(c.inFlight).filteredOn(m -> m instanceof RaftMessage.VoteResponse r && r.granted())
          .hasSize(1);
    }

    @Test
    void aCandidateWithAShorterLogIsRefused() {
      Cluster c = new Cluster(3, 0);
      int leader = c.electLeader();
      c.propose(leader, "x");
      c.advance(Cluster.TIMING.heartbeat());
      c.deliverAll();
      int other = (leader + 1) % 3;
      c.inFlight.clear();

      c.node(other).handle(new VoteRequest(9, other, 50, 0, 0, false, true), c.now);

      assertThat(c.inFlight).singleElement()
          .matches(m -> m instanceof RaftMessage.VoteResponse r && !r.granted());
    }

    @Test
    void aFollowerThatHeardFromItsLeaderRecentlyIgnoresCandidates() {
      Cluster c = new Cluster(3, 0);
      int leader = c.electLeader();
      int follower = (leader + 1) % 3;
      long term = c.node(follower).term();
      c.inFlight.clear();

      c.node(follower).handle(new VoteRequest((leader + 2) % 3, follower, term + 1, 100, 100,
          false, false), c.now);

      assertThat(c.node(follower).term()).isEqualTo(term);
      assertThat(c.inFlight).isEmpty();
    }

    @Test
    void listenersNeverCampaignNorVote() {
      Cluster c = new Cluster(1, 1);
      assertThat(c.node(1).nextDeadline()).isEqualTo(RaftNode.NEVER);
      c.node(1).handle(new VoteRequest(0, 1, 1, 0, 0, false, false), 0);
      assertThat(c.inFlight).isEmpty();
    }

    @Test
    void aLoneVoterLeadsAtOnceAndItsListenerFollows() {
      Cluster c = new Cluster(1, 2);
      int leader = c.electLeader();
      c.deliverAll();

      assertThat(leader).isZero();
      assertThat(c.node(1).leader()).isZero();
      assertThat(c.node(2).commitIndex()).isEqualTo(c.node(0).commitIndex());
    }
  }

  @Nested
  class Replication {
    @Test
    void anEntryCommitsOnceAMajorityOfVotersHoldIt() {
      Cluster c = new Cluster(3, 0);
      int leader = c.electLeader();
      long index = c.propose(leader, "x");
      assertThat(c.node(leader).commitIndex()).isLessThan(index);

      c.advance(Cluster.TIMING.batchDelay());
      int one = (leader + 1) % 3;
      c.deliverWhere(m -> m.to() == one || m.to() == leader);

      assertThat(c.node(leader).commitIndex()).isEqualTo(index);
    }

    @Test
    void listenerAcknowledgementsDoNotCountTowardsCommit() {
      Cluster c = new Cluster(3, 2);
      int leader = c.electLeader();
      long index = c.propose(leader, "x");
      c.advance(Cluster.TIMING.batchDelay());

      c.deliverWhere(m -> m.to() == leader || m.to() >= 3);

      assertThat(c.node(3).log().lastIndex()).isEqualTo(index);
      assertThat(c.node(leader).commitIndex()).isLessThan(index);
    }

    @Test
    void proposalsAreBatchedIntoOneAppendPerFollower() {
      Cluster c = new Cluster(3, 0);
      int leader = c.electLeader();
      c.inFlight.clear();
      for (int i = 0; i < 10; i++) {
        c.propose(leader, "x" + i);
      }
      assertThat(c.inFlight).as("nothing is sent before the batch delay").isEmpty();

      c.advance(Cluster.TIMING.batchDelay());

      assertThat(c.queued(Append.class)).hasSize(2).allMatch(a -> a.entries().length == 10);
    }

    @Test
    void aFollowerRefusesEntriesThatDoNotFollowOnFromItsLogAndTheLeaderBacksUp() {
      Cluster c = new Cluster(3, 0);
      int leader = c.electLeader();
      int lagging = (leader + 1) % 3;
      for (int i = 0; i < 5; i++) {
        c.propose(leader, "x" + i);
      }
      c.advance(Cluster.TIMING.batchDelay());
      c.deliverWhere(m -> m.to() != lagging && m.from() != lagging);
      c.propose(leader, "y");
      java.util.List<Boolean> answers = new java.util.ArrayList<>();
      c.advance(Cluster.TIMING.heartbeat());
      c.deliverWhere(m -> {
        if (m instanceof AppendResponse r && r.from() == lagging) {
          answers.add(r.success());
        }
        return true;
      });

      assertThat(answers).as("refused first, then accepted from further back").startsWith(false)
          .endsWith(true);
      assertThat(c.node(lagging).log().lastIndex()).isEqualTo(c.node(leader).log().lastIndex());
      assertThat(c.node(lagging).log().chain(c.node(lagging).log().lastIndex()))
          .isEqualTo(c.node(leader).log().chain(c.node(leader).log().lastIndex()));
    }

    @Test
    void aLeaderThatHearsFromNoMajorityStepsDown() {
      Cluster c = new Cluster(3, 0);
      int leader = c.electLeader();
      c.crash((leader + 1) % 3);
      c.crash((leader + 2) % 3);

      c.advance(Cluster.TIMING.electionMax());
      c.advance(Cluster.TIMING.electionMax());

      assertThat(c.node(leader).isLeader()).isFalse();
      assertThat(c.node(leader).propose(com.google.protobuf.ByteString.EMPTY, c.now)).isEqualTo(-1);
    }

    @Test
    void aStaleLeaderLearnsTheNewTermFromARefusalAndStepsDown() {
      Cluster c = new Cluster(3, 0);
      int leader = c.electLeader();
      int other = (leader + 1) % 3;
      c.node(other).handle(new Append((leader + 2) % 3, other, 7, 0, 0, new LogEntry[0], 0), c.now);
      c.inFlight.clear();

      c.node(leader).handle(new AppendResponse(other, leader, 7, false, 0, 0), c.now);

      assertThat(c.node(leader).isLeader()).isFalse();
      assertThat(c.node(leader).term()).isEqualTo(7);
    }
  }

  @Nested
  class TransferAndCrashes {
    @Test
    void leadershipTransferMakesTheTargetLeaderWithoutWaitingForATimeout() {
      Cluster c = new Cluster(3, 0);
      int leader = c.electLeader();
      int target = (leader + 1) % 3;
      c.advance(Cluster.TIMING.heartbeat());
      c.deliverAll();

      assertThat(c.node(leader).transferLeadership(target, c.now)).isTrue();
      assertThat(c.propose(leader, "refused during transfer")).isEqualTo(-1);
      assertThat(c.queued(TimeoutNow.class)).singleElement().matches(t -> t.to() == target);
      c.deliverAll();

      assertThat(c.node(target).isLeader()).isTrue();
      assertThat(c.node(leader).isLeader()).isFalse();
    }

    @Test
    void aRebootKeepsTermVoteAndLogButForgetsCommitIndexAndLeader() {
      Cluster c = new Cluster(3, 0);
      int leader = c.electLeader();
      c.propose(leader, "x");
      c.advance(Cluster.TIMING.batchDelay());
      c.deliverAll();
      int f = (leader + 1) % 3;
      long term = c.node(f).term();
      long last = c.node(f).log().lastIndex();

      c.crash(f);
      c.boot(f);

      assertThat(c.node(f).term()).isEqualTo(term);
      assertThat(c.node(f).log().lastIndex()).isEqualTo(last);
      assertThat(c.node(f).commitIndex()).isZero();
      assertThat(c.node(f).leader()).isEqualTo(-1);
      c.advance(Cluster.TIMING.heartbeat());
      c.deliverAll();
      assertThat(c.node(f).commitIndex()).isEqualTo(c.node(leader).commitIndex());
    }

    @Test
    void entriesOfAnEarlierTermCommitOnlyWithAnEntryOfTheLeadersTerm() {
      Cluster c = new Cluster(3, 0);
      int leader = c.electLeader();
      c.deliverAll();
      long noOp = c.node(leader).log().lastIndex();
      assertThat(c.node(leader).log().entry(noOp).isNoOp()).isTrue();
      assertThat(c.node(leader).log().term(noOp)).isEqualTo(c.node(leader).term());
      assertThat(c.node(leader).commitIndex()).isEqualTo(noOp);
    }
  }
}
