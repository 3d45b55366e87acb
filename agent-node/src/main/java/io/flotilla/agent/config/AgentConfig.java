package io.flotilla.agent.config;

import io.flotilla.agent.access.AccessRule;
import io.flotilla.agent.trust.TlsFiles;
import io.flotilla.agent.limits.ClientLimits;
import io.flotilla.consensus.kv.Limits;
import io.flotilla.consensus.group.FleetGroup;
import io.flotilla.consensus.group.FleetPeer;
import io.flotilla.consensus.server.ReadMode;
import io.flotilla.consensus.server.TuningProfile;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.List;
import java.util.Map;
import io.flotilla.agent.forward.Forwarding;

/**
 * A validated agent-node configuration: every field is present and consistent (the node is a
 * member of each of its groups, at its own Raft address). Built by {@link ConfigLoader}.
 *
 * @param id the agent's id, unique in the fleet
 * @param dataDir where the node keeps its Raft log and snapshots
 * @param raftAddress host:port for Raft traffic between agents
 * @param apiAddress host:port of the gRPC API for the agent's software and the CLI
 * @param metricsAddress host:port of the HTTP endpoint ({@code /metrics}, {@code /healthz},
 *     {@code /readyz})
 * @param groups the Raft groups this node belongs to; the first is the default for API calls
 * @param limits bounds on keys, values, transactions, leases and watch history; the same on
 *     every member of a group
 * @param clientLimits how much of this node's API one client may use
 * @param unsafeLocalReads serve linearizable reads from this node's own state, without asking
 *     the leader: NOT linearizable, stale under partitions. Exists only to show that the chaos
 *     suite catches such a bug ({@code read-mode: unsafe-local}).
 * @param joining the groups this node joins as a new member: it starts with an empty replica
 *     and waits for the group's leader to add it; their member lists name the existing members
 * @param tls mutual TLS for Raft traffic and the API, or null for plaintext
 * @param access who may call the API, or null to let any client do anything (with TLS, any
 *     client holding a certificate from the fleet CA)
 * @param identityKey this agent's Ed25519 private key: it signs every proposal it sends to its
 *     groups with it, as agent {@code id}; null to send them unsigned
 * @param requireSignedProposals the groups apply only signed proposals of enrolled agents (see
 *     {@code FleetServer.Builder#requireSignatures}); a group rule, as the limits are
 * @param kind what the agent is, "mobile" or "ground" (published in its presence)
 * @param voterEligible whether a group's leader may make this agent a voter
 * @param targetVoters by group: how many healthy voters its leader keeps (groups not named are
 *     managed by hand)
 * @param forwarding by group: what its leader forwards to and from a council
 */
public record AgentConfig(
    String id,
    Path dataDir,
    HostPort raftAddress,
    HostPort apiAddress,
    HostPort metricsAddress,
    TuningProfile profile,
    ReadMode readMode,
    List<FleetGroup> groups,
    java.util.Set<String> joining,
    Limits limits,
    ClientLimits clientLimits,
    boolean unsafeLocalReads,
    TlsFiles tls,
    List<AccessRule> access,
    PrivateKey identityKey,
    boolean requireSignedProposals,
    String kind,
    boolean voterEligible,
    Map<String, Integer> targetVoters,
    Map<String, Forwarding> forwarding) {

  public AgentConfig {
    groups = List.copyOf(groups);
    targetVoters = Map.copyOf(targetVoters);
    forwarding = Map.copyOf(forwarding);
    joining = java.util.Set.copyOf(joining);
    access = access == null ? null : List.copyOf(access);
  }

  /** host:port, as written in configuration. */
  public record HostPort(String host, int port) {
    @Override
    public String toString() {
      return host + ":" + port;
    }
  }

  /** Default group of a node started with no groups configured: itself alone. */
  static FleetGroup soloGroup(String id, HostPort raft) {
    return FleetGroup.of("default", FleetPeer.voter(id, raft.toString()));
  }
}
