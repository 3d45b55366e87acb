package io.flotilla.consensus.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The judgement on looks at chosen instants: no Ratis, no clock. */
class QuorumViewTest {
  private static final long MS = 1_000_000;
  private static final Duration WINDOW = Duration.ofMillis(1000);

  private final QuorumView view = new QuorumView("agent-3", WINDOW, 0);

  private static QuorumView.Look follower(long contactAgeMillis) {
    return new QuorumView.Look("FOLLOWER", "agent-1", contactAgeMillis, true, 3, -1);
  }

  private static QuorumView.Look candidate() {
    return new QuorumView.Look("CANDIDATE", "", -1, true, 3, -1);
  }

  @Test
  void theWindowIsThreeLongestElectionTimeoutsAndOneLook() {
    assertThat(QuorumView.window(TuningProfile.LAN, Duration.ofMillis(100)))
        .isEqualTo(Duration.ofMillis(1000));
    assertThat(QuorumView.window(TuningProfile.RADIO, Duration.ofMillis(100)))
        .isEqualTo(Duration.ofMillis(6100));
  }

  @Test
  void aFollowerInContactWithItsLeaderHasQuorum() {
    QuorumView.Judgement j = view.judge("squad-1", follower(50), 5_000 * MS);

    assertThat(j.quorum()).isTrue();
    assertThat(j.sinceContactMillis()).isEqualTo(50);
    assertThat(j.leadsWithQuorum()).isFalse();
  }

  @Test
  void noLeaderForUpToTheWindowIsAFailoverStillWaitedFor() {
    view.judge("squad-1", follower(0), 10_000 * MS);

    assertThat(view.judge("squad-1", candidate(), 10_400 * MS).quorum()).isTrue();
    assertThat(view.judge("squad-1", candidate(), 11_000 * MS).quorum()).isTrue();
  }

  @Test
  void noLeaderForLongerThanTheWindowIsNoQuorumNamingGroupAndTime() {
    view.judge("squad-1", follower(0), 10_000 * MS);

    QuorumView.Judgement j = view.judge("squad-1", candidate(), 14_200 * MS);

    assertThat(j.quorum()).isFalse();
    assertThat(j.sinceContactMillis()).isEqualTo(4200);
    assertThat(j.noQuorumMessage()).isEqualTo("no quorum: group squad-1 has had no leader in "
        + "contact with agent-3 for 4.2 s (an election takes at most 1.0 s)");
  }

  @Test
  void aLeaderKnownButSilentCountsFromItsLastMessage() {
    QuorumView.Judgement j = view.judge("squad-1", follower(1500), 20_000 * MS);

    assertThat(j.quorum()).isFalse();
    assertThat(j.sinceContactMillis()).isEqualTo(1500);
  }

  @Test
  void aLookShowingAnOlderContactDoesNotMoveTheLastContactBack() {
    view.judge("squad-1", follower(0), 10_000 * MS);

    // A slower thread's look, taken before the one above, arrives after it.
    assertThat(view.judge("squad-1", follower(900), 10_100 * MS).sinceContactMillis())
        .isEqualTo(100);
  }

  @Test
  void contactAgainRestoresQuorumAtTheFirstLookThatShowsIt() {
    view.judge("squad-1", follower(0), 10_000 * MS);
    assertThat(view.judge("squad-1", candidate(), 15_000 * MS).quorum()).isFalse();

    assertThat(view.judge("squad-1", follower(10), 15_100 * MS).quorum()).isTrue();
  }

  @Test
  void theStartCountsAsTheLastContactUntilALookShowsOne() {
    assertThat(view.judge("squad-1", candidate(), 900 * MS).quorum()).isTrue();
    assertThat(view.judge("squad-1", candidate(), 1_100 * MS).quorum()).isFalse();
  }

  @Test
  void aLeaderHeardByAMajorityLeadsWithQuorumAndNamesItsVoters() {
    QuorumView.Judgement j = view.judge("squad-1",
        new QuorumView.Look("LEADER", "agent-3", 20, true, 3, 2), 5_000 * MS);

    assertThat(j.quorum()).isTrue();
    assertThat(j.leadsWithQuorum()).isTrue();
  }

  @Test
  void aLeaderCountsOnlyVotersThatAnsweredWithinTheShortestElectionTimeout() {
    // Past the shortest timeout the followers may have elected another leader already (on
    // radio, after 1 s of silence, well before the 2 s longest).
    QuorumView.Look look = QuorumView.Look.ofLeader("agent-3",
        java.util.List.of(0L, 1_200L, Long.MAX_VALUE), 60_000, true, TuningProfile.RADIO);

    assertThat(look.votersHeard()).isEqualTo(1);
    assertThat(view.judge("squad-1", look, 5_000 * MS).leadsWithQuorum()).isFalse();
    assertThat(QuorumView.Look.ofLeader("agent-3", java.util.List.of(0L, 850L, Long.MAX_VALUE),
        60_000, true, TuningProfile.RADIO).votersHeard()).isEqualTo(2);
  }

  @Test
  void aLeaderThatLostItsMajorityNoLongerLeadsWithQuorumAndLosesQuorumAfterTheWindow() {
    view.judge("squad-1", new QuorumView.Look("LEADER", "agent-3", 0, true, 3, 3), 5_000 * MS);
    QuorumView.Look lost = new QuorumView.Look("LEADER", "agent-3", -1, true, 3, 1);

    assertThat(view.judge("squad-1", lost, 5_500 * MS).leadsWithQuorum()).isFalse();
    QuorumView.Judgement j = view.judge("squad-1", lost, 7_000 * MS);
    assertThat(j.quorum()).isFalse();
    assertThat(j.noQuorumMessage()).endsWith("voters that answered it: 1 of 3)");
  }

  @Test
  void aMemberNotYetInTheConfigurationIsOnNoSide() {
    QuorumView.Look joining = new QuorumView.Look("FOLLOWER", "", -1, false, 0, -1);

    assertThat(view.judge("squad-1", joining, 60_000 * MS).quorum()).isTrue();
  }
}
