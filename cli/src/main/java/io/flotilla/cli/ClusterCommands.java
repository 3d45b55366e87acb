package io.flotilla.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.agent.api.ClusterGrpc;
import io.flotilla.agent.api.FollowerStatus;
import io.flotilla.agent.api.GroupCall;
import io.flotilla.agent.api.GroupStatus;
import io.flotilla.agent.api.HealthReport;
import io.flotilla.agent.api.Member;
import io.flotilla.agent.api.MemberAddCall;
import io.flotilla.agent.api.MemberCall;
import io.flotilla.agent.api.MemberListReply;
import io.flotilla.agent.api.MemberPresence;
import io.flotilla.agent.api.RouteStatus;
import io.flotilla.agent.api.SnapshotReply;
import io.flotilla.agent.api.StatusCall;
import io.flotilla.agent.api.StatusGrpc;
import io.flotilla.agent.api.StatusReply;
import io.flotilla.agent.api.VoterChangeRecord;
import io.flotilla.consensus.proto.GroupRules;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Inspection and administration of a running fleet. */
final class ClusterCommands {
  private ClusterCommands() {}

  static ClusterGrpc.ClusterBlockingStub cluster(Api api, ManagedChannel ch) {
    return ClusterGrpc.newBlockingStub(ch).withDeadlineAfter(api.deadlineMillis(), TimeUnit.MILLISECONDS);
  }

  static StatusReply status(Api api, ManagedChannel ch) {
    return StatusGrpc.newBlockingStub(ch).withDeadlineAfter(api.deadlineMillis(), TimeUnit.MILLISECONDS)
        .status(StatusCall.getDefaultInstance());
  }

  /** Every endpoint's status; unreachable endpoints are left out with their error. */
  static Map<String, Object> statuses(Api api) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (int i = 0; i < api.endpoints().size(); i++) {
      try {
        out.put(api.endpoints().get(i), status(api, api.channel(i)));
      } catch (StatusRuntimeException e) {
        out.put(api.endpoints().get(i), Api.describe(e));
      }
    }
    return out;
  }

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = {"Show every endpoint's view of its groups: role, leader, term, indexes,",
          "and each member's replication lag and last contact as its leader sees them.", "",
          "Example:", "  flotilla status --endpoints 127.0.0.1:7101,127.0.0.1:7102,127.0.0.1:7103"})
  static final class Status implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions client;

    @Override
    public Integer call() {
      try (Api api = client.connect()) {
        Map<String, Object> all = statuses(api);
        Map<String, FollowerStatus> seenByLeader = new LinkedHashMap<>();
        for (Object o : all.values()) {
          if (o instanceof StatusReply s) {
            for (GroupStatus g : s.getGroupsList()) {
              g.getFollowersList().forEach(f -> seenByLeader.put(g.getGroup() + "/" + f.getId(), f));
            }
          }
        }
        Output.Table t = new Output.Table("ENDPOINT", "ID", "GROUP", "ROLE", "LEADER", "TERM",
            "COMMIT", "APPLIED", "SNAPSHOT", "LAG", "LAST CONTACT", "RULES", "VERSION");
        ArrayNode nodes = Output.JSON.arrayNode();
        int reachable = 0;
        for (Map.Entry<String, Object> e : all.entrySet()) {
          if (!(e.getValue() instanceof StatusReply s)) {
            t.row(e.getKey(), "-", "-", "UNREACHABLE", "-", "-", "-", "-", "-", "-", "-", "-",
                e.getValue());
            nodes.add(Output.JSON.objectNode().put("endpoint", e.getKey()).put("error", (String) e.getValue()));
            continue;
          }
          reachable++;
          ObjectNode node = Output.JSON.objectNode().put("endpoint", e.getKey())
              .put("id", s.getNodeId()).put("version", s.getVersion())
              .put("uptime_ms", s.getUptimeMillis()).put("raft_address", s.getRaftAddress());
          ArrayNode groups = node.putArray("groups");
          for (GroupStatus g : s.getGroupsList()) {
            FollowerStatus f = seenByLeader.get(g.getGroup() + "/" + s.getNodeId());
            String lag = g.getRole().equals("LEADER") ? "0" : f == null ? "-" : "" + f.getLag();
            String contact = g.getRole().equals("LEADER") ? "-" : f == null ? "-" : f.getLastContactMillis() + "ms";
            t.row(e.getKey(), s.getNodeId(), g.getGroup(), g.getRole(),
                g.getLeaderId().isEmpty() ? "-" : g.getLeaderId(), g.getTerm(), g.getCommitIndex(),
                g.getAppliedIndex(), g.getLastSnapshotIndex() < 0 ? "-" : g.getLastSnapshotIndex(),
                lag, contact, g.getRulesAsConfigured() ? "as configured" : "differ", s.getVersion());
            ObjectNode gj = groups.addObject().put("group", g.getGroup()).put("role", g.getRole())
                .put("leader", g.getLeaderId()).put("term", g.getTerm())
                .put("commit_index", g.getCommitIndex()).put("applied_index", g.getAppliedIndex())
                .put("last_snapshot_index", g.getLastSnapshotIndex()).put("revision", g.getRevision())
                .put("rules_as_configured", g.getRulesAsConfigured());
            GroupRules rules = g.getRules();
            gj.putObject("rules")
                .put("max_key_bytes", Integer.toUnsignedLong(rules.getMaxKeyBytes()))
                .put("max_value_bytes", Integer.toUnsignedLong(rules.getMaxValueBytes()))
                .put("max_txn_ops", Integer.toUnsignedLong(rules.getMaxTxnOps()))
                .put("min_lease_ttl_ms", rules.getMinLeaseTtlMillis())
                .put("max_lease_ttl_ms", rules.getMaxLeaseTtlMillis())
                .put("signed_proposals", rules.getRequireSignatures());
            if (f != null) {
              gj.put("lag", f.getLag()).put("last_contact_ms", f.getLastContactMillis());
            }
            ArrayNode routes = gj.putArray("routes");
            for (RouteStatus r : g.getRoutesList()) {
              ObjectNode rj = routes.addObject().put("name", r.getName())
                  .put("from", r.getFromGroup()).put("to", r.getToGroup())
                  .put("forwarded", r.getForwarded()).put("behind_ms", r.getBehindMillis());
              rj.put("stuck", r.getStuck().isEmpty() ? null : r.getStuck());
              if (!r.getStuck().isEmpty()) {
                t.note(s.getNodeId() + ": forwarding " + r.getName() + " from " + r.getFromGroup()
                    + " to " + r.getToGroup() + " is STUCK: " + r.getStuck());
              }
            }
            ArrayNode followers = gj.putArray("followers");
            g.getFollowersList().forEach(x -> followers.addObject().put("id", x.getId())
                .put("match_index", x.getMatchIndex()).put("lag", x.getLag())
                .put("last_contact_ms", x.getLastContactMillis()));
          }
          nodes.add(node);
        }
        Output.print(spec.commandLine().getOut(), client.output,
            Output.JSON.objectNode().set("nodes", nodes), t);
        if (reachable == 0) {
          throw CliException.refused("no endpoint reachable: " + all.keySet());
        }
        return 0;
      }
    }
  }

  @Command(name = "leader", mixinStandardHelpOptions = true,
      description = {"Show the group's current leader and term. Exit code 1 when it has none.", "",
          "Example:", "  flotilla leader -o json"})
  static final class Leader implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions client;

    @Override
    public Integer call() {
      try (Api api = client.connect()) {
        StatusReply s = api.call(ch -> status(api, ch));
        GroupStatus g = group(s, client.group);
        Output.print(spec.commandLine().getOut(), client.output, Output.JSON.objectNode()
                .put("group", g.getGroup()).put("leader", g.getLeaderId()).put("term", g.getTerm()),
            new Output.Table("GROUP", "LEADER", "TERM")
                .row(g.getGroup(), g.getLeaderId().isEmpty() ? "-" : g.getLeaderId(), g.getTerm()));
        if (g.getLeaderId().isEmpty()) {
          throw CliException.refused("group " + g.getGroup() + " has no leader");
        }
        return 0;
      }
    }
  }

  static GroupStatus group(StatusReply s, String name) {
    Optional<GroupStatus> g = s.getGroupsList().stream()
        .filter(x -> name.isEmpty() || x.getGroup().equals(name)).findFirst();
    return g.orElseThrow(() -> CliException.refused("node " + s.getNodeId() + " is in no group " + name));
  }

  static void printMembers(CommandSpec spec, ClientOptions client, MemberListReply r) {
    Output.Table t = new Output.Table("ID", "ADDRESS", "ROLE", "PRIORITY", "PRESENT", "KIND",
        "BATTERY", "LINK", "RESTARTS");
    ArrayNode members = Output.JSON.arrayNode();
    for (Member m : r.getMembersList()) {
      String role = m.getRole().name().toLowerCase();
      MemberPresence p = m.getPresence();
      t.row(m.getId(), m.getAddress(), role, m.getPriority(), p.getPresent() ? "yes" : "no",
          p.getPresent() ? p.getKind() + (p.getEligible() ? "" : " (never votes)") : "-",
          p.getBattery() < 0 ? "-" : p.getBattery() + "%",
          p.getLink() < 0 ? "-" : String.format("%.2f", p.getLink()),
          p.getPresent() ? Integer.toString(p.getRestarts()) : "-");
      ObjectNode member = members.addObject().put("id", m.getId())
          .put("address", m.getAddress()).put("role", role).put("priority", m.getPriority());
      if (p.getPresent()) {
        member.putObject("presence").put("kind", p.getKind()).put("eligible", p.getEligible())
            .put("battery", p.getBattery()).put("link", p.getLink())
            .put("restarts", p.getRestarts());
      } else {
        member.putNull("presence");
      }
    }
    ArrayNode changes = Output.JSON.arrayNode();
    if (r.getChangesCount() > 0) {
      t.note("");
      t.note("Voter changes (latest last):");
    }
    for (VoterChangeRecord c : r.getChangesList()) {
      String at = Instant.ofEpochMilli(c.getAtMillis()).toString();
      t.note("  " + at + "  " + describe(c) + ": " + c.getReason() + " (leader " + c.getLeader()
          + ", term " + c.getTerm() + ")");
      changes.addObject().put("at", at).put("leader", c.getLeader()).put("term", c.getTerm())
          .put("kind", c.getKind().toLowerCase()).put("in", c.getIn().isEmpty() ? null : c.getIn())
          .put("out", c.getOut().isEmpty() ? null : c.getOut()).put("reason", c.getReason());
    }
    ObjectNode json = Output.JSON.objectNode().put("group", r.getGroup());
    json.set("members", members);
    json.set("changes", changes);
    Output.print(spec.commandLine().getOut(), client.output, json, t);
  }

  private static String describe(VoterChangeRecord c) {
    return switch (c.getKind()) {
      case "PROMOTE" -> "promoted " + c.getIn();
      case "DEMOTE" -> "demoted " + c.getOut();
      case "SWAP" -> c.getIn() + " votes instead of " + c.getOut();
      case "HAND_OFF" -> c.getOut() + " handed leadership to " + c.getIn();
      default -> c.getKind().toLowerCase() + " " + c.getIn() + " " + c.getOut();
    };
  }

  @Command(name = "health", mixinStandardHelpOptions = true,
      description = {"Report this agent's health to its node: published in the agent's presence,",
          "where each group's leader reads it to decide who votes (groups with `voters`).",
          "Send it to the agent's own node (the first endpoint).", "",
          "Example:", "  flotilla health --battery 64 --link 0.8"})
  static final class Health implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions client;
    @Option(names = "--battery", paramLabel = "PERCENT", description = "Charge, 0 to 100.")
    Integer battery;
    @Option(names = "--link", paramLabel = "QUALITY", description = "Link quality, 0.0 to 1.0.")
    Double link;

    @Override
    public Integer call() {
      if (battery == null && link == null) {
        throw new ParameterException(spec.commandLine(), "give --battery, --link or both");
      }
      HealthReport.Builder report = HealthReport.newBuilder();
      if (battery != null) {
        report.setBattery(battery);
      }
      if (link != null) {
        report.setLink(link);
      }
      try (Api api = client.connect()) {
        api.call(ch -> cluster(api, ch).reportHealth(report.build()));
        Output.print(spec.commandLine().getOut(), client.output, Output.JSON.objectNode()
            .put("battery", battery).put("link", link), new Output.Table().note("reported"));
        return 0;
      }
    }
  }

  @Command(name = "members", mixinStandardHelpOptions = true,
      description = {"List the group's voters and listeners.", "", "Example:", "  flotilla members"})
  static final class Members implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions client;

    @Override
    public Integer call() {
      try (Api api = client.connect()) {
        printMembers(spec, client, api.call(ch -> cluster(api, ch)
            .memberList(GroupCall.newBuilder().setGroup(client.group).build())));
        return 0;
      }
    }
  }

  @Command(name = "member", mixinStandardHelpOptions = true,
      description = "Change the group's membership, one member at a time.",
      subcommands = {MemberAdd.class, MemberRemove.class, MemberPromote.class})
  static final class MemberGroup {}

  @Command(name = "add", mixinStandardHelpOptions = true,
      description = {"Add a member; its node must already run with the group configured empty or",
          "list the group with `join: true` in its config.", "",
          "Example:", "  flotilla member add drone-9 10.0.0.9:7001 --listener"})
  static final class MemberAdd implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions client;
    @Parameters(index = "0", paramLabel = "ID") String id;
    @Parameters(index = "1", paramLabel = "RAFT_ADDRESS") String address;
    @Option(names = "--listener", description = "Add as a non-voting listener.") boolean listener;
    @Option(names = "--priority", defaultValue = "0", description = "Leadership priority.") int priority;

    @Override
    public Integer call() {
      try (Api api = client.connect()) {
        printMembers(spec, client, api.call(ch -> cluster(api, ch).memberAdd(MemberAddCall.newBuilder()
            .setGroup(client.group)
            .setMember(Member.newBuilder().setId(id).setAddress(address).setPriority(priority)
                .setRole(listener ? Member.Role.LISTENER : Member.Role.VOTER)).build())));
        return 0;
      }
    }
  }

  /** A change to one existing member, answered with the new member list. */
  abstract static class MemberChange implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions client;
    @Parameters(index = "0", paramLabel = "ID") String id;

    abstract MemberListReply change(ClusterGrpc.ClusterBlockingStub cluster, MemberCall call);

    @Override
    public Integer call() {
      try (Api api = client.connect()) {
        printMembers(spec, client, api.call(ch -> change(cluster(api, ch),
            MemberCall.newBuilder().setGroup(client.group).setId(id).build())));
        return 0;
      }
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true,
      description = {"Remove a member.", "", "Example:", "  flotilla member remove drone-9"})
  static final class MemberRemove extends MemberChange {
    @Override
    MemberListReply change(ClusterGrpc.ClusterBlockingStub cluster, MemberCall call) {
      return cluster.memberRemove(call);
    }
  }

  @Command(name = "promote", mixinStandardHelpOptions = true,
      description = {"Make a listener a voter.", "", "Example:", "  flotilla member promote drone-9"})
  static final class MemberPromote extends MemberChange {
    @Override
    MemberListReply change(ClusterGrpc.ClusterBlockingStub cluster, MemberCall call) {
      return cluster.memberPromote(call);
    }
  }

  @Command(name = "move-leader", mixinStandardHelpOptions = true,
      description = {"Hand leadership of the group to a voter.", "", "Example:", "  flotilla move-leader drone-2"})
  static final class MoveLeader implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions client;
    @Parameters(index = "0", paramLabel = "ID") String id;

    @Override
    public Integer call() {
      try (Api api = client.connect()) {
        api.call(ch -> cluster(api, ch).moveLeader(
            MemberCall.newBuilder().setGroup(client.group).setId(id).build()));
        Output.print(spec.commandLine().getOut(), client.output,
            Output.JSON.objectNode().put("leader", id),
            new Output.Table().note("leadership moved to " + id));
        return 0;
      }
    }
  }

  @Command(name = "election", mixinStandardHelpOptions = true,
      description = "Pause or resume a node's part in elections (the first endpoint).",
      subcommands = {ElectionPause.class, ElectionResume.class})
  static final class Election {}

  abstract static class OnNode implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions client;

    abstract String act(Api api, ManagedChannel ch);

    @Override
    public Integer call() {
      try (Api api = client.connect()) {
        StatusReply s = status(api, api.channel(0));
        String what = act(api, api.channel(0));
        Output.print(spec.commandLine().getOut(), client.output, Output.JSON.objectNode()
                .put("node", s.getNodeId()).put("group", group(s, client.group).getGroup())
                .put("result", what),
            new Output.Table().note(s.getNodeId() + ": " + what));
        return 0;
      }
    }
  }

  @Command(name = "pause", mixinStandardHelpOptions = true,
      description = {"Stop the node taking part in elections (it still follows).", "",
          "Example:", "  flotilla election pause --endpoints 127.0.0.1:7102"})
  static final class ElectionPause extends OnNode {
    @Override
    String act(Api api, ManagedChannel ch) {
      cluster(api, ch).pauseElections(GroupCall.newBuilder().setGroup(client.group).build());
      return "elections paused";
    }
  }

  @Command(name = "resume", mixinStandardHelpOptions = true,
      description = {"Let the node take part in elections again.", "",
          "Example:", "  flotilla election resume --endpoints 127.0.0.1:7102"})
  static final class ElectionResume extends OnNode {
    @Override
    String act(Api api, ManagedChannel ch) {
      cluster(api, ch).resumeElections(GroupCall.newBuilder().setGroup(client.group).build());
      return "elections resumed";
    }
  }

  @Command(name = "snapshot", mixinStandardHelpOptions = true,
      description = "Snapshots of a node's state.", subcommands = {SnapshotCreate.class})
  static final class Snapshot {}

  @Command(name = "create", mixinStandardHelpOptions = true,
      description = {"Take a snapshot on the node now (the first endpoint).", "",
          "Example:", "  flotilla snapshot create"})
  static final class SnapshotCreate extends OnNode {
    @Override
    String act(Api api, ManagedChannel ch) {
      SnapshotReply r = ClusterGrpc.newBlockingStub(ch)
          .withDeadlineAfter(Math.max(api.deadlineMillis(), 30_000), TimeUnit.MILLISECONDS)
          .snapshot(GroupCall.newBuilder().setGroup(client.group).build());
      return "snapshot at index " + r.getIndex();
    }
  }

}
