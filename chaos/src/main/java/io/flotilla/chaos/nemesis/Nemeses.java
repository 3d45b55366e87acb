package io.flotilla.chaos.nemesis;

import io.flotilla.agent.api.ClusterGrpc;
import io.flotilla.agent.api.Member;
import io.flotilla.agent.api.MemberAddCall;
import io.flotilla.agent.api.MemberCall;
import io.flotilla.chaos.cluster.ClusterNode;
import io.flotilla.chaos.cluster.DockerCluster;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** The nemeses, by name, and the groups of them the command line accepts. */
public final class Nemeses {
  private Nemeses() {}

  /** Every nemesis, by name. */
  public static final Map<String, Supplier<Nemesis>> ALL = new LinkedHashMap<>();

  /** Short names for families of nemeses. */
  public static final Map<String, List<String>> GROUPS = Map.of(
      "partition", List.of("partition-halves", "partition-ring", "bridge", "isolate-leader",
          "isolate-node"),
      "kill", List.of("kill-node", "kill-leader"),
      "pause", List.of("pause-node", "pause-leader"),
      "loss", List.of("packet-loss"),
      "clock", List.of("clock-forward-leader", "clock-back-leader", "clock-strobe"));

  static {
    ALL.put("partition-halves", () -> partition("partition-halves",
        (nodes, r) -> Partitions.halves(nodes, r.random())));
    ALL.put("partition-ring", () -> partition("partition-ring",
        (nodes, r) -> Partitions.majoritiesRing(nodes, r.random())));
    ALL.put("bridge", () -> partition("bridge", (nodes, r) -> Partitions.bridge(nodes, r.random())));
    ALL.put("isolate-node", () -> partition("isolate-node",
        (nodes, r) -> Partitions.isolate(nodes, nodes.get(r.random().nextInt(nodes.size())))));
    ALL.put("isolate-leader", () -> partition("isolate-leader",
        (nodes, r) -> Partitions.isolate(nodes, r.leaderOr(nodes))));
    // Held past the agents' request deadline (see MINIMUM_MILLIS), so that clients give up on
    // writes the group may still commit when it heals, and renew.
    ALL.put("leaderless", () -> partition("leaderless", (nodes, r) -> Partitions.apart(nodes)));
    ALL.put("lost-replies", LostReplies::new);
    // kill -9, healed by starting the node again on its data; SIGSTOP, healed by SIGCONT.
    ALL.put("kill-node", () -> new ProcessFault("kill-node", false, "killed",
        ClusterNode::kill, ClusterNode::start));
    ALL.put("kill-leader", () -> new ProcessFault("kill-leader", true, "killed",
        ClusterNode::kill, ClusterNode::start));
    ALL.put("pause-node", () -> new ProcessFault("pause-node", false, "paused",
        ClusterNode::pause, ClusterNode::resume));
    ALL.put("pause-leader", () -> new ProcessFault("pause-leader", true, "paused",
        ClusterNode::pause, ClusterNode::resume));
    ALL.put("packet-loss", PacketLoss::new);
    ALL.put("membership", Membership::new);
    ALL.put("rolling-config", RollingConfig::new);
    ALL.put("clock-forward-leader",
        () -> new ClockFault("clock-forward-leader", ClockFault.Kind.FORWARD, true));
    ALL.put("clock-back-leader",
        () -> new ClockFault("clock-back-leader", ClockFault.Kind.BACK, true));
    ALL.put("clock-strobe", () -> new ClockFault("clock-strobe", ClockFault.Kind.STROBE, false));
  }

  /**
   * The shortest a nemesis must last to do what it is for: a leaderless spell longer than the
   * agents' request deadline (twice the lan profile's request timeout) and the clients' own.
   */
  static final Map<String, Long> MINIMUM_MILLIS = Map.of("leaderless", 8_000L);

  /** Expands names and families ("partition,kill") into nemesis names, in a stable order. */
  public static List<String> expand(List<String> names) {
    List<String> out = new ArrayList<>();
    for (String n : names) {
      List<String> members = GROUPS.getOrDefault(n.trim(), List.of(n.trim()));
      for (String m : members) {
        if (!ALL.containsKey(m)) {
          throw new IllegalArgumentException("unknown nemesis '" + m + "' (one of "
              + String.join(", ", ALL.keySet()) + ", or a family: "
              + String.join(", ", GROUPS.keySet()) + ")");
        }
        if (!out.contains(m)) {
          out.add(m);
        }
      }
    }
    return out;
  }

  public static Nemesis create(String name) {
    return ALL.get(name).get();
  }

  /** Where a nemesis takes its choices from. */
  record Choice(Random random, DockerCluster cluster) {
    String leaderOr(List<String> nodes) {
      return cluster.leader().map(ClusterNode::id).orElse(nodes.get(random.nextInt(nodes.size())));
    }
  }

  private static List<String> ids(DockerCluster cluster) {
    return cluster.nodes().stream().map(ClusterNode::id).toList();
  }

  private static ClusterNode target(DockerCluster cluster, Random random, boolean leader) {
    List<ClusterNode> nodes = cluster.nodes();
    ClusterNode any = nodes.get(random.nextInt(nodes.size()));
    return leader ? cluster.leader().orElse(any) : any;
  }

  private static Nemesis partition(String name,
      BiFunction<List<String>, Choice, Map<String, Set<String>>> grudge) {
    return new Nemesis() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public String start(DockerCluster cluster, Random random) {
        Map<String, Set<String>> g = grudge.apply(ids(cluster), new Choice(random, cluster));
        Partitions.apply(cluster, g);
        return Partitions.describe(g);
      }

      @Override
      public void stop(DockerCluster cluster) {
        Partitions.heal(cluster);
      }
    };
  }

  /**
   * The leader's answers to what the other nodes ask of it are dropped: its packets from its Raft
   * port, on the connections they opened to it. It still takes in and commits their clients'
   * writes, but no reply gets back, and their clients give up and renew; replication runs on
   * the connections the leader opens, so the group goes on as if nothing happened. The heal lets
   * through whatever the renewed clients send again.
   */
  private static final class LostReplies implements Nemesis {
    @Override
    public String name() {
      return "lost-replies";
    }

    @Override
    public String start(DockerCluster cluster, Random random) {
      ClusterNode leader = target(cluster, random, true);
      List<List<String>> rules = new ArrayList<>();
      for (ClusterNode peer : cluster.nodes()) {
        if (peer != leader) {
          rules.add(List.of("-A", "OUTPUT", "-p", "tcp", "--sport",
              Integer.toString(ClusterNode.RAFT_PORT), "-d", peer.ip(), "-j", "DROP"));
        }
      }
      leader.iptables(rules);
      return leader.id() + "'s replies to the other nodes dropped";
    }

    @Override
    public void stop(DockerCluster cluster) {
      Partitions.heal(cluster);
    }
  }

  /** Something done to one node's process and undone at the heal. */
  private static final class ProcessFault implements Nemesis {
    private final String name;
    private final boolean leader;
    private final String verb;
    private final Consumer<ClusterNode> fault;
    private final Consumer<ClusterNode> heal;
    private ClusterNode victim;

    ProcessFault(String name, boolean leader, String verb, Consumer<ClusterNode> fault,
        Consumer<ClusterNode> heal) {
      this.name = name;
      this.leader = leader;
      this.verb = verb;
      this.fault = fault;
      this.heal = heal;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public String start(DockerCluster cluster, Random random) {
      victim = target(cluster, random, leader);
      fault.accept(victim);
      return verb + " " + victim.id();
    }

    @Override
    public void stop(DockerCluster cluster) {
      if (victim != null) {
        heal.accept(victim);
        victim = null;
      }
    }
  }

  /** A share of the packets between one node and every other, dropped in both directions. */
  private static final class PacketLoss implements Nemesis {
    static final String PROBABILITY = "0.4";

    @Override
    public String name() {
      return "packet-loss";
    }

    @Override
    public String start(DockerCluster cluster, Random random) {
      ClusterNode n = target(cluster, random, false);
      List<List<String>> rules = new ArrayList<>();
      for (ClusterNode peer : cluster.nodes()) {
        if (peer != n) {
          rules.add(List.of("-A", "INPUT", "-s", peer.ip(), "-m", "statistic", "--mode",
              "random", "--probability", PROBABILITY, "-j", "DROP"));
          rules.add(List.of("-A", "OUTPUT", "-d", peer.ip(), "-m", "statistic", "--mode",
              "random", "--probability", PROBABILITY, "-j", "DROP"));
        }
      }
      n.iptables(rules);
      return "dropping " + PROBABILITY + " of " + n.id() + "'s packets";
    }

    @Override
    public void stop(DockerCluster cluster) {
      Partitions.heal(cluster);
    }
  }

  /**
   * Removes a voter from the group, then adds it back. A removed replica shuts itself down once
   * the others tell it that it is out of the group, so the heal first restarts the node on its
   * data, as an operator re-adding it would, and then adds it.
   */
  private static final class Membership implements Nemesis {
    private ClusterNode removed;

    @Override
    public String name() {
      return "membership";
    }

    @Override
    public String start(DockerCluster cluster, Random random) {
      ClusterNode leader = cluster.leader().orElseThrow(() ->
          new IllegalStateException("no leader to change membership through"));
      List<ClusterNode> others = cluster.nodes().stream().filter(n -> n != leader).toList();
      removed = others.get(random.nextInt(others.size()));
      ClusterGrpc.newBlockingStub(leader.channel()).withDeadlineAfter(10, TimeUnit.SECONDS)
          .memberRemove(MemberCall.newBuilder().setId(removed.id()).build());
      return "removed " + removed.id();
    }

    @Override
    public void stop(DockerCluster cluster) {
      if (removed == null) {
        return;
      }
      removed.kill();
      removed.start();
      ClusterNode via = cluster.leader().orElse(cluster.nodes().get(0));
      ClusterGrpc.newBlockingStub(via.channel()).withDeadlineAfter(20, TimeUnit.SECONDS)
          .memberAdd(MemberAddCall.newBuilder().setMember(Member.newBuilder()
              .setId(removed.id()).setAddress(removed.raftAddress()).setRole(Member.Role.VOTER))
              .build());
      removed = null;
    }
  }
}
