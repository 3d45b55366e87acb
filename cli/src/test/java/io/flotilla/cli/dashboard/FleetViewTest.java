package io.flotilla.cli.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.agent.api.FollowerStatus;
import io.flotilla.agent.api.GroupStatus;
import io.flotilla.agent.api.Member;
import io.flotilla.agent.api.MemberListReply;
import io.flotilla.agent.api.MemberPresence;
import io.flotilla.agent.api.RouteStatus;
import io.flotilla.agent.api.StatusReply;
import io.flotilla.agent.api.VoterChangeRecord;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The dashboard's model, driven poll by poll with the time each poll carries. */
class FleetViewTest {
  private static final List<String> ENDPOINTS = List.of("h:1", "h:2", "h:3");

  @Test
  void theLeaderAndItsViewOfTheFollowersComeFromTheMembersThatAnswered() {
    FleetView view = new FleetView(ENDPOINTS, 1000);
    FleetSnapshot.Group g = view.observe(poll(0, Map.of(
        "h:1", status("a1", group("LEADER", "a1", 2, 10).addFollowers(follower("a2", 4, 30))),
        "h:2", status("a2", group("FOLLOWER", "a1", 2, 10)),
        "h:3", status("a3", group("FOLLOWER", "a1", 2, 10))), members())).groups().get(0);

    assertThat(g.leader()).isEqualTo("a1");
    assertThat(g.term()).isEqualTo(2);
    assertThat(g.members()).extracting(FleetSnapshot.Member::id).containsExactly("a1", "a2", "a3");
    FleetSnapshot.Member a2 = g.members().get(1);
    assertThat(a2.lag()).as("as the leader sees it").isEqualTo(4);
    assertThat(a2.lastContactMs()).isEqualTo(30);
    assertThat(a2.presence().battery()).isEqualTo(64);
    assertThat(g.members().get(2).role()).isEqualTo("listener");
    assertThat(g.changes()).extracting(FleetSnapshot.VoterChange::reason)
        .containsExactly("a4: battery 9% < 20%");
    assertThat(g.routes()).extracting(FleetSnapshot.Route::behindMs).containsExactly(2500L);
  }

  @Test
  void aDeposedLeaderStillAnsweringIsNotTheLeaderNorTheSourceOfTheMemberList() {
    Map<String, Poll.Answer<StatusReply>> statuses = new LinkedHashMap<>();
    statuses.put("h:1", Poll.Answer.of(status("a1", group("LEADER", "a1", 2, 10))));
    statuses.put("h:2", Poll.Answer.of(status("a2", group("LEADER", "a2", 3, 14)
        .addFollowers(follower("a1", 4, 900)))));
    statuses.put("h:3", Poll.Answer.of(status("a3", group("FOLLOWER", "a2", 3, 14))));
    assertThat(FleetView.memberListSources(statuses)).containsExactly(Map.entry("fleet", "h:2"));

    FleetSnapshot.Group g = new FleetView(ENDPOINTS, 1000)
        .observe(new Poll(0, statuses, members())).groups().get(0);
    assertThat(g.leader()).isEqualTo("a2");
    assertThat(g.term()).isEqualTo(3);
    FleetSnapshot.Member a1 = g.members().get(0);
    assertThat(a1.state()).as("its own word").isEqualTo("LEADER");
    assertThat(a1.lag()).as("as the leader of term 3 sees it").isEqualTo(4);
  }

  @Test
  void aGroupNoMemberAnswersKeepsItsMembersStaleAndSaysSo() {
    FleetView view = new FleetView(ENDPOINTS, 1000);
    view.observe(poll(0, ledByA1AtTerm2(), members()));
    FleetSnapshot.Group g = view.observe(poll(2_000, Map.of(
        "h:1", Poll.Answer.failed("refused"), "h:2", Poll.Answer.failed("refused"),
        "h:3", Poll.Answer.failed("refused")), Map.of())).groups().get(0);

    assertThat(g.leader()).isNull();
    assertThat(g.term()).isNull();
    assertThat(g.commitIndex()).isNull();
    assertThat(g.membersError()).isEqualTo("no member answered");
    assertThat(g.members()).hasSize(3).allMatch(FleetSnapshot.Member::stale);
    assertThat(g.commitRate()).containsExactly((Double) null);
  }

  @Test
  void aMemberThatStopsAnsweringIsStaleWithTheTimeSinceAndCannotHideTheNewLeader() {
    FleetView view = new FleetView(ENDPOINTS, 1000);
    view.observe(poll(1_000, ledByA1AtTerm2(), members()));
    FleetSnapshot after = view.observe(poll(4_500, Map.of(
        "h:1", Poll.Answer.failed("Connection refused"),
        "h:2", Poll.Answer.of(status("a2", group("LEADER", "a2", 3, 12))),
        "h:3", Poll.Answer.of(status("a3", group("FOLLOWER", "a2", 3, 12)))), members()));

    FleetSnapshot.Group g = after.groups().get(0);
    assertThat(g.leader()).isEqualTo("a2");
    assertThat(g.term()).isEqualTo(3);
    FleetSnapshot.Member a1 = g.members().get(0);
    assertThat(a1.stale()).isTrue();
    assertThat(a1.sinceMs()).isEqualTo(3_500);
    assertThat(a1.state()).as("its last word, kept").isEqualTo("LEADER");
    assertThat(g.members().get(1).stale()).isFalse();
    FleetSnapshot.Endpoint e1 = after.endpoints().get(0);
    assertThat(e1.state()).isEqualTo("stale");
    assertThat(e1.error()).isEqualTo("Connection refused");
    assertThat(e1.id()).isEqualTo("a1");
  }

  @Test
  void anEndpointThatNeverAnsweredIsUnreachableAndTheRestStillShow() {
    FleetView view = new FleetView(ENDPOINTS, 1000);
    FleetSnapshot s = view.observe(poll(0, Map.of(
        "h:1", Poll.Answer.failed("Connection refused"),
        "h:2", Poll.Answer.of(status("a2", group("LEADER", "a2", 1, 5))),
        "h:3", Poll.Answer.failed("deadline exceeded")), Map.of()));

    assertThat(s.endpoints()).extracting(FleetSnapshot.Endpoint::state)
        .containsExactly("unreachable", "up", "unreachable");
    assertThat(s.endpoints().get(2).error()).isEqualTo("deadline exceeded");
    assertThat(s.groups()).singleElement().satisfies(g -> {
      assertThat(g.leader()).isEqualTo("a2");
      assertThat(g.members()).extracting(FleetSnapshot.Member::id).containsExactly("a2");
      assertThat(g.members().get(0).role()).as("no member list read").isNull();
    });
  }

  @Test
  void beforeTheFirstPollEveryEndpointIsPendingAndNoGroupIsKnown() {
    FleetSnapshot s = new FleetView(ENDPOINTS, 1000).observe(new Poll(0, Map.of(), Map.of()));
    assertThat(s.endpoints()).extracting(FleetSnapshot.Endpoint::state).containsOnly("pending");
    assertThat(s.groups()).isEmpty();
  }

  @Test
  void theCommitRateIsCommitsPerSecondBetweenPollsAndNullWhileNobodyAnswers() {
    FleetView view = new FleetView(List.of("h:1"), 1000);
    view.observe(poll(0, Map.of("h:1", status("a1", group("LEADER", "a1", 1, 100))), Map.of()));
    view.observe(poll(2_000, Map.of("h:1", status("a1", group("LEADER", "a1", 1, 300))), Map.of()));
    view.observe(poll(3_000, Map.of("h:1", Poll.Answer.failed("refused")), Map.of()));
    List<Double> rate = view.observe(poll(4_000,
        Map.of("h:1", status("a1", group("LEADER", "a1", 1, 340))), Map.of())).groups().get(0)
        .commitRate();

    assertThat(rate).containsExactly(100.0, null, 20.0);
    for (int i = 0; i < 2 * FleetView.RATE_POINTS; i++) {
      rate = view.observe(poll(5_000 + i * 1000L,
          Map.of("h:1", status("a1", group("LEADER", "a1", 1, 340 + i))), Map.of())).groups()
          .get(0).commitRate();
    }
    assertThat(rate).hasSize(FleetView.RATE_POINTS);
  }

  @Test
  void entriesOfALeaderThatStopsAnsweringAreNotCountedTwiceWhenTheOthersCatchUp() {
    FleetView view = new FleetView(ENDPOINTS, 1000);
    view.observe(poll(0, Map.of(
        "h:1", status("a1", group("LEADER", "a1", 2, 110)),
        "h:2", status("a2", group("FOLLOWER", "a1", 2, 100))), Map.of()));
    view.observe(poll(1_000, Map.of(
        "h:1", Poll.Answer.failed("refused"),
        "h:2", Poll.Answer.of(status("a2", group("FOLLOWER", "a1", 2, 100)))), Map.of()));
    List<Double> rate = view.observe(poll(2_000, Map.of(
        "h:1", Poll.Answer.failed("refused"),
        "h:2", Poll.Answer.of(status("a2", group("LEADER", "a2", 3, 112)))), Map.of()))
        .groups().get(0).commitRate();

    assertThat(rate).containsExactly(0.0, 2.0);
  }

  @Test
  void theMemberListIsReadFromTheLeaderWhenItAnswers() {
    Map<String, Poll.Answer<StatusReply>> statuses = new LinkedHashMap<>();
    statuses.put("h:1", Poll.Answer.of(status("a1", group("FOLLOWER", "a2", 2, 1))));
    statuses.put("h:2", Poll.Answer.of(status("a2", group("LEADER", "a2", 2, 1))));
    statuses.put("h:3", Poll.Answer.failed("refused"));
    assertThat(FleetView.memberListSources(statuses)).containsExactly(Map.entry("fleet", "h:2"));
    statuses.remove("h:2");
    assertThat(FleetView.memberListSources(statuses)).containsExactly(Map.entry("fleet", "h:1"));
  }

  /** All three answering: a1 leads at term 2, every member at commit index 10. */
  private static Map<String, ?> ledByA1AtTerm2() {
    return Map.of(
        "h:1", status("a1", group("LEADER", "a1", 2, 10)),
        "h:2", status("a2", group("FOLLOWER", "a1", 2, 10)),
        "h:3", status("a3", group("FOLLOWER", "a1", 2, 10)));
  }

  private static Poll poll(long at, Map<String, ?> statuses,
      Map<String, Poll.Answer<MemberListReply>> members) {
    Map<String, Poll.Answer<StatusReply>> answers = new LinkedHashMap<>();
    for (String e : ENDPOINTS) {
      Object o = statuses.get(e);
      if (o != null) {
        answers.put(e, o instanceof StatusReply s ? Poll.Answer.of(s) : cast(o));
      }
    }
    return new Poll(at, answers, members);
  }

  @SuppressWarnings("unchecked")
  private static Poll.Answer<StatusReply> cast(Object o) {
    return (Poll.Answer<StatusReply>) o;
  }

  private static Map<String, Poll.Answer<MemberListReply>> members() {
    return Map.of("fleet", Poll.Answer.of(MemberListReply.newBuilder().setGroup("fleet")
        .addMembers(member("a1", Member.Role.VOTER, 80))
        .addMembers(member("a2", Member.Role.VOTER, 64))
        .addMembers(member("a3", Member.Role.LISTENER, 12))
        .addChanges(VoterChangeRecord.newBuilder().setAtMillis(0).setLeader("a1").setTerm(2)
            .setKind("SWAP").setIn("a2").setOut("a4").setReason("a4: battery 9% < 20%"))
        .build()));
  }

  private static Member member(String id, Member.Role role, int battery) {
    return Member.newBuilder().setId(id).setAddress(id + ":7000").setRole(role)
        .setPresence(MemberPresence.newBuilder().setPresent(true).setKind("mobile")
            .setEligible(true).setBattery(battery).setLink(0.9))
        .build();
  }

  private static StatusReply status(String id, GroupStatus.Builder g) {
    return StatusReply.newBuilder().setNodeId(id).setVersion("test").setRaftAddress(id + ":7000")
        .addGroups(g).build();
  }

  private static GroupStatus.Builder group(String role, String leader, long term, long commit) {
    GroupStatus.Builder g = GroupStatus.newBuilder().setGroup("fleet").setRole(role)
        .setLeaderId(leader).setTerm(term).setCommitIndex(commit).setAppliedIndex(commit);
    if (role.equals("LEADER")) {
      g.addRoutes(RouteStatus.newBuilder().setName("up").setFromGroup("fleet")
          .setToGroup("council").setForwarded(7).setBehindMillis(2500));
    }
    return g;
  }

  private static FollowerStatus.Builder follower(String id, long lag, long contact) {
    return FollowerStatus.newBuilder().setId(id).setLag(lag).setLastContactMillis(contact);
  }
}
