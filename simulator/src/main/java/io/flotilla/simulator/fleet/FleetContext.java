package io.flotilla.simulator.fleet;

import io.flotilla.simulator.kernel.Kernel;
import io.flotilla.simulator.kernel.RandomStreams;

/** What every part of the fleet shares: the kernel, the network, the observer and factories. */
public final class FleetContext {
  private final Kernel kernel;
  private final RandomStreams streams;
  private final Network network;
  private final FleetObserver observer;
  private final NodeFactory nodes;
  private long entryIds;

  public FleetContext(Kernel kernel, RandomStreams streams, Network network,
      FleetObserver observer, NodeFactory nodes) {
    this.kernel = kernel;
    this.streams = streams;
    this.network = network;
    this.observer = observer;
    this.nodes = nodes;
  }

  public Kernel kernel() {
    return kernel;
  }

  public RandomStreams streams() {
    return streams;
  }

  public Network network() {
    return network;
  }

  public FleetObserver observer() {
    return observer;
  }

  NodeFactory nodes() {
    return nodes;
  }

  /** A fresh id for a log entry, unique in the run. */
  long nextEntryId() {
    return ++entryIds;
  }
}
