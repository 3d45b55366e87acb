package io.flotilla.consensus.server;

import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;

/**
 * Ratis settings a {@link FleetServer} takes from the host it runs on rather than from the
 * fleet's configuration: buffers for a JVM that holds hundreds of servers, or the transport
 * between them. Applied over the server's own settings and raft.* system properties, before
 * Ratis reads them.
 */
@FunctionalInterface
public interface HostTuning {
  void tune(RaftProperties properties, Parameters parameters);
}
