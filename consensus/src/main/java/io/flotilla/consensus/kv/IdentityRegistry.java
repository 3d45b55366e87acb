package io.flotilla.consensus.kv;

import com.google.protobuf.ByteString;
import io.flotilla.consensus.identity.ProposalSignature;
import io.flotilla.consensus.proto.AgentIdentity;
import io.flotilla.consensus.proto.IdentityListResponse;
import io.flotilla.consensus.proto.ProposalRejections;
import java.io.IOException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The agents a group knows, for checking signed proposals: each enrolled agent's Ed25519 public
 * key; the last proposal sequence the group accepted from every agent that ever proposed, kept
 * after a revoke so that none of its old proposals can replay; and the proposals refused, by
 * reason. Part of the replicated state, in snapshots and the digest, iterated in agent order.
 */
final class IdentityRegistry {
  /** Why a proposal was refused; each reason has its counter. */
  enum Rejection { FORGED, REPLAYED, UNENROLLED, UNSIGNED }

  private static final class Agent {
    /** The key as enrolled (X.509 DER), empty once revoked; {@link #key} is it decoded. */
    ByteString publicKeyDer = ByteString.EMPTY;
    PublicKey key;
    /** Unsigned, like the sequences themselves; 0 before the first accepted proposal. */
    long lastSequence;
  }

  private final NavigableMap<String, Agent> agents = new TreeMap<>();
  private final long[] rejections = new long[Rejection.values().length];
  private int enrolled;

  /** Whether no agent is enrolled (the group has not been bootstrapped, or all were revoked). */
  boolean noneEnrolled() {
    return enrolled == 0;
  }

  /** The agent's key, or null when it is not enrolled. */
  PublicKey key(String agent) {
    Agent a = agents.get(agent);
    return a == null ? null : a.key;
  }

  /** Whether the agent's key is exactly this one. */
  boolean enrolledWith(String agent, PublicKey key) {
    Agent a = agents.get(agent);
    return a != null && a.key != null && a.publicKeyDer.equals(encoded(key));
  }

  /** Whether {@code sequence} is above every sequence accepted from the agent. */
  boolean isFresh(String agent, long sequence) {
    Agent a = agents.get(agent);
    return Long.compareUnsigned(sequence, a == null ? 0 : a.lastSequence) > 0;
  }

  void accept(String agent, long sequence) {
    agents.computeIfAbsent(agent, id -> new Agent()).lastSequence = sequence;
  }

  /** Enrolls the agent's key; the caller has checked it holds no other key. */
  void enroll(String agent, PublicKey key) {
    Agent a = agents.computeIfAbsent(agent, id -> new Agent());
    if (a.key == null) {
      enrolled++;
    }
    a.key = key;
    a.publicKeyDer = encoded(key);
  }

  /** Removes the agent's key, keeping its sequence; false when it had none. */
  boolean revoke(String agent) {
    Agent a = agents.get(agent);
    if (a == null || a.key == null) {
      return false;
    }
    a.key = null;
    a.publicKeyDer = ByteString.EMPTY;
    enrolled--;
    return true;
  }

  void reject(Rejection reason) {
    rejections[reason.ordinal()]++;
  }

  ProposalRejections rejections() {
    return ProposalRejections.newBuilder()
        .setForged(rejections[Rejection.FORGED.ordinal()])
        .setReplayed(rejections[Rejection.REPLAYED.ordinal()])
        .setUnenrolled(rejections[Rejection.UNENROLLED.ordinal()])
        .setUnsigned(rejections[Rejection.UNSIGNED.ordinal()])
        .build();
  }

  /** Enrolled agents and the rejection counts, as the identity list query answers. */
  IdentityListResponse list() {
    IdentityListResponse.Builder out = IdentityListResponse.newBuilder();
    for (AgentIdentity a : records()) {
      if (!a.getPublicKey().isEmpty()) {
        out.addAgents(a);
      }
    }
    return out.setRejections(rejections()).build();
  }

  // ---- Snapshots ----------------------------------------------------------------------

  /** Every agent the group knows, enrolled or revoked, in agent order. */
  List<AgentIdentity> records() {
    List<AgentIdentity> out = new ArrayList<>(agents.size());
    agents.forEach((id, a) -> out.add(AgentIdentity.newBuilder()
        .setAgent(id).setPublicKey(a.publicKeyDer).setLastSequence(a.lastSequence).build()));
    return out;
  }

  int size() {
    return agents.size();
  }

  void load(AgentIdentity record) throws IOException {
    accept(record.getAgent(), record.getLastSequence());
    if (!record.getPublicKey().isEmpty()) {
      try {
        enroll(record.getAgent(), ProposalSignature.publicKey(record.getPublicKey()));
      } catch (IllegalArgumentException e) {
        throw new IOException("snapshot agent " + record.getAgent() + ": " + e.getMessage(), e);
      }
    }
  }

  void load(ProposalRejections counts) {
    rejections[Rejection.FORGED.ordinal()] = counts.getForged();
    rejections[Rejection.REPLAYED.ordinal()] = counts.getReplayed();
    rejections[Rejection.UNENROLLED.ordinal()] = counts.getUnenrolled();
    rejections[Rejection.UNSIGNED.ordinal()] = counts.getUnsigned();
  }

  private static ByteString encoded(PublicKey key) {
    return ByteString.copyFrom(key.getEncoded());
  }
}
