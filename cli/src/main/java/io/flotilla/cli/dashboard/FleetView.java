package io.flotilla.cli.dashboard;

import io.flotilla.agent.api.FollowerStatus;
import io.flotilla.agent.api.GroupStatus;
import io.flotilla.agent.api.Member;
import io.flotilla.agent.api.MemberListReply;
import io.flotilla.agent.api.MemberPresence;
import io.flotilla.agent.api.RouteStatus;
import io.flotilla.agent.api.StatusReply;
import io.flotilla.agent.api.VoterChangeRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The dashboard's model of the fleet, folded from one {@link Poll} after another: no I/O and no
 * clock of its own, so a test drives it poll by poll. An endpoint keeps its last answer after it
 * stops answering, marked stale with the time since; a group's leader and commit index come
 * from the members that answered the last poll only, so a dead leader never hides a new one.
 */
public final class FleetView {
  /** Commit-rate points kept per group: the sparkline's width. */
  public static final int RATE_POINTS = 60;
  /** Why a group's member list was not read: none of its members answered the poll. */
  static final String NO_ANSWER = "no member answered";

  private final List<String> endpoints;
  private final long intervalMillis;
  private final Map<String, Heard> heard = new HashMap<>();
  private final Map<String, MemberListReply> memberLists = new HashMap<>();
  private final Map<String, List<Double>> rates = new HashMap<>();
  private final Map<String, long[]> lastCommit = new HashMap<>();

  /** An endpoint's last answer, when it came, and the last poll's error. */
  private record Heard(StatusReply last, long atMillis, String error) {}

  /**
   * @param endpoints the polled endpoints, in the order the page lists them
   * @param intervalMillis how often polls come (reported to the page)
   */
  public FleetView(List<String> endpoints, long intervalMillis) {
    this.endpoints = List.copyOf(endpoints);
    this.intervalMillis = intervalMillis;
  }

  /**
   * For each group some up endpoint is in: the endpoint to read its member list from, the one
   * that leads it at the highest term (it holds the latest voter changes; a deposed leader
   * still answering does not), or else its first up member.
   */
  public static Map<String, String> memberListSources(Map<String, Poll.Answer<StatusReply>> statuses) {
    Map<String, String> out = new TreeMap<>();
    Map<String, Long> leaderTerm = new HashMap<>();
    statuses.forEach((endpoint, a) -> {
      if (a.ok()) {
        for (GroupStatus g : a.reply().getGroupsList()) {
          boolean leads = g.getRole().equals("LEADER")
              && g.getTerm() > leaderTerm.getOrDefault(g.getGroup(), -1L);
          if (leads) {
            leaderTerm.put(g.getGroup(), g.getTerm());
          }
          if (leads || !out.containsKey(g.getGroup())) {
            out.put(g.getGroup(), endpoint);
          }
        }
      }
    });
    return out;
  }

  /** Takes in one poll and returns the fleet as it stands after it. */
  public FleetSnapshot observe(Poll poll) {
    long now = poll.atMillis();
    poll.statuses().forEach((endpoint, a) -> {
      Heard before = heard.get(endpoint);
      heard.put(endpoint, a.ok() ? new Heard(a.reply(), now, null)
          : new Heard(before == null ? null : before.last(), before == null ? 0 : before.atMillis(),
              a.error()));
    });
    poll.members().forEach((group, a) -> {
      if (a.ok()) {
        memberLists.put(group, a.reply());
      }
    });

    List<FleetSnapshot.Endpoint> endpointViews = new ArrayList<>();
    for (String e : endpoints) {
      endpointViews.add(endpointView(e, heard.get(e), now));
    }
    TreeSet<String> groupNames = new TreeSet<>(memberLists.keySet());
    heard.values().stream().filter(h -> h.last() != null)
        .forEach(h -> h.last().getGroupsList().forEach(g -> groupNames.add(g.getGroup())));
    List<FleetSnapshot.Group> groups = new ArrayList<>();
    for (String g : groupNames) {
      Poll.Answer<MemberListReply> members = poll.members().get(g);
      groups.add(groupView(g, now, members == null ? NO_ANSWER
          : members.ok() ? null : members.error()));
    }
    return new FleetSnapshot(Instant.ofEpochMilli(now).toString(), intervalMillis,
        endpointViews, groups);
  }

  private static FleetSnapshot.Endpoint endpointView(String endpoint, Heard h, long now) {
    if (h == null) {
      return new FleetSnapshot.Endpoint(endpoint, "pending", null, null, null, null, null);
    }
    if (h.last() == null) {
      return new FleetSnapshot.Endpoint(endpoint, "unreachable", null, h.error(), null, null, null);
    }
    StatusReply s = h.last();
    boolean up = h.error() == null;
    return new FleetSnapshot.Endpoint(endpoint, up ? "up" : "stale", up ? null : now - h.atMillis(),
        h.error(), s.getNodeId(), s.getVersion(), s.getUptimeMillis());
  }

  /** One member's own report of a group, with the endpoint it came from and when. */
  private record Report(String endpoint, Heard heard, GroupStatus group) {
    boolean up() {
      return heard.error() == null;
    }
  }

  private FleetSnapshot.Group groupView(String name, long now, String membersError) {
    Map<String, Report> byId = new LinkedHashMap<>();
    for (String e : endpoints) {
      Heard h = heard.get(e);
      if (h == null || h.last() == null) {
        continue;
      }
      h.last().getGroupsList().stream().filter(g -> g.getGroup().equals(name)).findFirst()
          .ifPresent(g -> byId.putIfAbsent(h.last().getNodeId(), new Report(e, h, g)));
    }
    List<Report> up = byId.values().stream().filter(Report::up).toList();
    Long term = up.isEmpty() ? null : up.stream().mapToLong(r -> r.group().getTerm()).max()
        .getAsLong();
    Optional<Report> leaderReport = up.stream()
        .filter(r -> r.group().getTerm() == term && r.group().getRole().equals("LEADER")).findFirst();
    String leaderEndpoint = leaderReport.map(Report::endpoint).orElse(null);
    String leader = leaderReport.map(r -> r.heard().last().getNodeId()).orElseGet(() -> up.stream()
        .filter(r -> r.group().getTerm() == term && !r.group().getLeaderId().isEmpty())
        .map(r -> r.group().getLeaderId()).findFirst().orElse(null));
    Long commit = up.isEmpty() ? null : up.stream().mapToLong(r -> r.group().getCommitIndex())
        .max().getAsLong();
    List<Double> rate = commitRate(name, now, commit);

    Map<String, FollowerStatus> followers = new HashMap<>();
    leaderReport.ifPresent(r -> r.group().getFollowersList().forEach(f -> followers.put(f.getId(), f)));
    List<FleetSnapshot.Member> members = new ArrayList<>();
    MemberListReply list = memberLists.get(name);
    List<Member> configured = list == null ? List.of() : list.getMembersList();
    for (Member m : configured) {
      members.add(memberView(m.getId(), m.getAddress(),
          m.getRole() == Member.Role.LISTENER ? "listener" : "voter", m.hasPresence()
              && m.getPresence().getPresent() ? m.getPresence() : null,
          byId.get(m.getId()), followers.get(m.getId()), leaderEndpoint, now));
    }
    byId.forEach((id, r) -> {
      if (configured.stream().noneMatch(m -> m.getId().equals(id))) {
        members.add(memberView(id, r.heard().last().getRaftAddress(), null, null, r,
            followers.get(id), leaderEndpoint, now));
      }
    });

    members.sort(Comparator.comparing(FleetSnapshot.Member::id));
    List<FleetSnapshot.VoterChange> changes = new ArrayList<>();
    if (list != null) {
      for (VoterChangeRecord c : list.getChangesList()) {
        changes.add(new FleetSnapshot.VoterChange(Instant.ofEpochMilli(c.getAtMillis()).toString(),
            c.getLeader(), c.getTerm(), c.getKind().toLowerCase(), blankToNull(c.getIn()),
            blankToNull(c.getOut()), c.getReason()));
      }
    }
    List<FleetSnapshot.Route> routes = new ArrayList<>();
    leaderReport.ifPresent(r -> {
      for (RouteStatus s : r.group().getRoutesList()) {
        routes.add(new FleetSnapshot.Route(s.getName(), s.getFromGroup(), s.getToGroup(),
            s.getForwarded(), s.getBehindMillis(), blankToNull(s.getStuck())));
      }
    });
    return new FleetSnapshot.Group(name, leader, term, commit, rate, members, changes, routes,
        membersError);
  }

  private static FleetSnapshot.Member memberView(String id, String address, String role,
      MemberPresence p, Report r, FollowerStatus f, String leaderEndpoint, long now) {
    FleetSnapshot.Presence presence = p == null ? null : new FleetSnapshot.Presence(p.getKind(),
        p.getEligible(), p.getBattery(), p.getLink(), p.getRestarts());
    boolean leads = r != null && r.endpoint().equals(leaderEndpoint);
    return new FleetSnapshot.Member(id, address, role,
        r == null ? null : r.group().getRole(), r == null ? null : r.endpoint(),
        r != null && !r.up(), r == null || r.up() ? null : now - r.heard().atMillis(),
        r == null ? null : r.group().getCommitIndex(), r == null ? null : r.group().getAppliedIndex(),
        leads ? Long.valueOf(0) : f == null ? null : f.getLag(),
        f == null ? null : f.getLastContactMillis(), presence);
  }

  /**
   * Appends the commits per second since the previous poll (null: nobody answered). The
   * group's commit index is the highest any up member reports, which falls back when its most
   * advanced member stops answering; counting from the highest ever seen keeps the entries it
   * had from being counted twice when the others catch up.
   */
  private List<Double> commitRate(String group, long now, Long commit) {
    List<Double> points = rates.computeIfAbsent(group, g -> new ArrayList<>());
    long[] before = lastCommit.get(group);
    Double rate = null;
    if (commit != null) {
      long highest = before == null ? commit : Math.max(before[1], commit);
      if (before != null && now > before[0]) {
        rate = (highest - before[1]) * 1000.0 / (now - before[0]);
      }
      lastCommit.put(group, new long[] {now, highest});
    }
    if (before != null || commit == null) {
      points.add(rate);
    }
    while (points.size() > RATE_POINTS) {
      points.remove(0);
    }
    return new ArrayList<>(points);
  }

  private static String blankToNull(String s) {
    return s.isEmpty() ? null : s;
  }
}
