package io.flotilla.simulator.fleet;

import io.flotilla.simulator.raft.RaftNode;

/**
 * Builds the Raft node of each replica. The simulator uses {@link #STANDARD}; tests pass
 * deliberately broken variants to show that the invariant checkers catch them.
 */
@FunctionalInterface
public interface NodeFactory {
  NodeFactory STANDARD = (member, setup) -> new RaftNode(setup);

  RaftNode create(Member member, RaftNode.Setup setup);
}
