package io.flotilla.chaos.nemesis;

import io.flotilla.chaos.cluster.DockerCluster;
import java.util.Random;

/**
 * A fault injected into a running cluster and later healed. {@link #start} picks its targets
 * with the given random source (seeded from the run's schedule), except where the target is a
 * role (the current leader), which only the cluster can say.
 */
public interface Nemesis {
  String name();

  /** Injects the fault and says what it did, e.g. "isolated n3". */
  String start(DockerCluster cluster, Random random);

  /** Heals what {@link #start} did. */
  void stop(DockerCluster cluster);
}
