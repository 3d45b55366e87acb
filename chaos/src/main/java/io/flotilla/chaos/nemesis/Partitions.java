package io.flotilla.chaos.nemesis;

import io.flotilla.chaos.cluster.ClusterNode;
import io.flotilla.chaos.cluster.DockerCluster;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Network partitions as "grudges": for each node, the nodes whose packets it drops, in both
 * directions, with iptables. Healing flushes every rule. Tests may use {@link #cut} and
 * {@link #heal} directly.
 */
public final class Partitions {
  static final List<List<String>> FLUSH = List.of(List.of("-F", "INPUT"), List.of("-F", "OUTPUT"));

  private Partitions() {}

  /** Two random halves, the smaller first: neither hears the other. */
  static Map<String, Set<String>> halves(List<String> nodes, Random random) {
    List<String> shuffled = new ArrayList<>(nodes);
    Collections.shuffle(shuffled, random);
    List<String> minority = shuffled.subList(0, shuffled.size() / 2);
    List<String> majority = shuffled.subList(shuffled.size() / 2, shuffled.size());
    Map<String, Set<String>> grudge = new LinkedHashMap<>();
    minority.forEach(n -> grudge.put(n, new HashSet<>(majority)));
    majority.forEach(n -> grudge.put(n, new HashSet<>(minority)));
    return grudge;
  }

  /**
   * Each node hears only its neighbours on a random ring: with five nodes every node sees a
   * majority (itself and two others), but no two nodes see the same majority.
   */
  static Map<String, Set<String>> majoritiesRing(List<String> nodes, Random random) {
    List<String> ring = new ArrayList<>(nodes);
    Collections.shuffle(ring, random);
    int n = ring.size();
    int reach = (n / 2 + 1) / 2; // neighbours heard on each side: at least a majority in all
    Map<String, Set<String>> grudge = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      Set<String> far = new HashSet<>();
      for (int j = 0; j < n; j++) {
        int d = Math.min(Math.abs(i - j), n - Math.abs(i - j));
        if (d > reach) {
          far.add(ring.get(j));
        }
      }
      grudge.put(ring.get(i), far);
    }
    return grudge;
  }

  /** Two halves joined only through one bridge node, which hears both. */
  static Map<String, Set<String>> bridge(List<String> nodes, Random random) {
    List<String> shuffled = new ArrayList<>(nodes);
    Collections.shuffle(shuffled, random);
    String bridge = shuffled.get(0);
    List<String> rest = shuffled.subList(1, shuffled.size());
    List<String> left = rest.subList(0, rest.size() / 2);
    List<String> right = rest.subList(rest.size() / 2, rest.size());
    Map<String, Set<String>> grudge = new LinkedHashMap<>();
    grudge.put(bridge, new HashSet<>());
    left.forEach(n -> grudge.put(n, new HashSet<>(right)));
    right.forEach(n -> grudge.put(n, new HashSet<>(left)));
    return grudge;
  }

  /** One node hears nobody and nobody hears it. */
  static Map<String, Set<String>> isolate(List<String> nodes, String lonely) {
    Map<String, Set<String>> grudge = new LinkedHashMap<>();
    for (String n : nodes) {
      grudge.put(n, n.equals(lonely) ? new HashSet<>(without(nodes, lonely)) : new HashSet<>(Set.of(lonely)));
    }
    return grudge;
  }

  /** Every node cut off from every other: no majority anywhere, so no leader. */
  static Map<String, Set<String>> apart(List<String> nodes) {
    Map<String, Set<String>> grudge = new LinkedHashMap<>();
    for (String n : nodes) {
      grudge.put(n, new HashSet<>(without(nodes, n)));
    }
    return grudge;
  }

  /** Each node of {@code side} drops the nodes of {@code other}, and each of those drops it. */
  static Map<String, Set<String>> between(Collection<String> side, Collection<String> other) {
    Map<String, Set<String>> grudge = new LinkedHashMap<>();
    side.forEach(n -> grudge.computeIfAbsent(n, k -> new HashSet<>()).addAll(other));
    other.forEach(n -> grudge.computeIfAbsent(n, k -> new HashSet<>()).addAll(side));
    return grudge;
  }

  /**
   * Cuts the nodes of {@code side} off from those of {@code other}, both ways; the nodes of each
   * set still hear each other. Returns the grudge applied, as {@link #describe} shows it.
   */
  public static String cut(DockerCluster cluster, Collection<String> side,
      Collection<String> other) {
    Map<String, Set<String>> grudge = between(side, other);
    apply(cluster, grudge);
    return describe(grudge);
  }

  static List<String> without(List<String> nodes, String id) {
    List<String> rest = new ArrayList<>(nodes);
    rest.remove(id);
    return rest;
  }

  static void apply(DockerCluster cluster, Map<String, Set<String>> grudge) {
    for (Map.Entry<String, Set<String>> e : grudge.entrySet()) {
      List<List<String>> rules = new ArrayList<>();
      for (String peer : e.getValue()) {
        String ip = cluster.node(peer).ip();
        rules.add(List.of("-A", "INPUT", "-s", ip, "-j", "DROP"));
        rules.add(List.of("-A", "OUTPUT", "-d", ip, "-j", "DROP"));
      }
      if (!rules.isEmpty()) {
        cluster.node(e.getKey()).iptables(rules);
      }
    }
  }

  /** Flushes every rule on every running node. */
  public static void heal(DockerCluster cluster) {
    for (ClusterNode node : cluster.nodes()) {
      if (node.running()) {
        node.iptables(FLUSH);
      }
    }
  }

  static String describe(Map<String, Set<String>> grudge) {
    StringBuilder b = new StringBuilder();
    grudge.forEach((n, peers) -> {
      if (!peers.isEmpty()) {
        b.append(b.length() == 0 ? "" : ", ").append(n).append(" drops ")
            .append(new java.util.TreeSet<>(peers));
      }
    });
    return b.toString();
  }
}
