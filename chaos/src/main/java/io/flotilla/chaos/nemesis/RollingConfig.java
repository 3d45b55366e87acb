package io.flotilla.chaos.nemesis;

import io.flotilla.agent.api.StatusCall;
import io.flotilla.agent.api.StatusGrpc;
import io.flotilla.chaos.cluster.ClusterNode;
import io.flotilla.chaos.cluster.DockerCluster;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * A config change rolled through the cluster as an operator rolls one out: node by node, in a
 * seeded order, each stopped gracefully, given the other config and started on its data, the
 * next only once it answers again. The change alternates, from one round to the next, between
 * the nodes' own config and one whose {@code max-value-bytes} is below what the append
 * workload's lists grow to, so that mid-roll the members disagree on what may apply. Each roll
 * completes within {@link #start}; {@link #stop} has nothing left to heal.
 */
final class RollingConfig implements Nemesis {
  static final String CHANGE = "limits:\n  max-value-bytes: 32\n";
  private static final long ANSWER_MILLIS = 90_000;

  private boolean changed;

  @Override
  public String name() {
    return "rolling-config";
  }

  @Override
  public String start(DockerCluster cluster, Random random) {
    changed = !changed;
    List<ClusterNode> order = new ArrayList<>(cluster.nodes());
    Collections.shuffle(order, random);
    List<String> done = new ArrayList<>();
    for (ClusterNode n : order) {
      n.restartWith(changed ? n.config() + CHANGE : n.config());
      awaitAnswer(n);
      done.add(n.id());
    }
    return "restarted " + String.join(", ", done) + " one by one with "
        + (changed ? "max-value-bytes 32" : "their own config");
  }

  private static void awaitAnswer(ClusterNode n) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ANSWER_MILLIS);
    while (true) {
      try {
        StatusGrpc.newBlockingStub(n.channel()).withDeadlineAfter(1, TimeUnit.SECONDS)
            .status(StatusCall.getDefaultInstance());
        return;
      } catch (RuntimeException e) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(n.id() + " did not answer after its restart", e);
        }
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
  }

  @Override
  public void stop(DockerCluster cluster) {}
}
