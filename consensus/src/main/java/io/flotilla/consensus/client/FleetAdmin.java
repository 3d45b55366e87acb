package io.flotilla.consensus.client;

import io.flotilla.consensus.group.FleetGroup;
import io.flotilla.consensus.group.FleetPeer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.proto.RaftProtos.RaftConfigurationProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.GroupInfoReply;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.protocol.exceptions.SetConfigurationException;
import org.apache.ratis.protocol.exceptions.TransferLeadershipException;
import org.apache.ratis.util.ProtoUtils;

/**
 * Membership of a group. Each change is one Ratis reconfiguration (joint consensus), applied
 * only if the configuration is still the one it was computed from, so concurrent changes
 * cannot undo each other. A server added as a voter or listener must already run with an
 * empty replica of the group ({@code FleetServer.joinGroup}).
 */
public final class FleetAdmin {
  private static final int ATTEMPTS = 5;

  private final FleetGroup group;
  private final RaftClient raft;
  private final Duration timeout;

  FleetAdmin(FleetGroup group, RaftClient raft, Duration timeout) {
    this.group = group;
    this.raft = raft;
    this.timeout = timeout;
  }

  /** The committed configuration: voters, then listeners. */
  public List<FleetPeer> members() {
    Conf c = current();
    List<FleetPeer> out = new ArrayList<>();
    c.voters.forEach(p -> out.add(FleetGroup.fromRatis(p, FleetPeer.Role.VOTER)));
    c.listeners.forEach(p -> out.add(FleetGroup.fromRatis(p, FleetPeer.Role.LISTENER)));
    return out;
  }

  public void addVoter(FleetPeer peer) {
    change(c -> c.without(peer.id()).withVoter(toRatis(peer)));
  }

  public void addListener(FleetPeer peer) {
    change(c -> c.without(peer.id()).withListener(toRatis(peer)));
  }

  /**
   * Makes a listener a voter that can vote at once. Two reconfigurations: the listener leaves
   * the group, then rejoins as a voter. Ratis 3.3's leader marks a listener added while it leads
   * as still catching up for as long as it leads, and a listener promoted in place inherits the
   * mark: it refuses to vote until the next leader change. Rejoining makes the leader stage it
   * as a new voter, which clears the mark once it has caught up.
   */
  public void promote(String id) {
    Conf cur = current();
    RaftPeer peer = cur.find(id);
    if (cur.votes(id)) {
      return;
    }
    change(c -> c.without(id));
    rejoin(peer, c -> c.without(id).withVoter(peer));
  }

  /**
   * Makes voter {@code out} a listener and listener {@code in} a voter in one reconfiguration
   * (joint consensus: the old and the new voters must each commit it), so the number of voters
   * never drops. The listener first leaves and rejoins, as in {@link #promote}.
   */
  public void swap(String out, String in) {
    Conf cur = current();
    RaftPeer leaving = cur.find(out);
    RaftPeer joining = cur.find(in);
    if (!cur.votes(out) || cur.votes(in)) {
      throw new FleetException(FleetException.Code.INVALID_ARGUMENT,
          "a swap takes a voter out and a listener in, not " + out + " and " + in);
    }
    change(c -> c.without(in));
    rejoin(joining, c -> c.without(out).without(in).withVoter(joining).withListener(leaving));
  }

  /**
   * The second half of a promotion: if it fails, the listener that left is added back as a
   * listener, so that a failed promotion never loses a member.
   */
  private void rejoin(RaftPeer listener, UnaryOperator<Conf> edit) {
    try {
      change(edit);
    } catch (FleetException e) {
      try {
        change(c -> c.without(listener.getId().toString()).withListener(listener));
      } catch (FleetException again) {
        e.addSuppressed(again);
      }
      throw e;
    }
  }

  /** Makes a voter a listener. */
  public void demote(String id) {
    change(c -> c.without(id).withListener(c.find(id)));
  }

  public void remove(String id) {
    change(c -> {
      c.find(id);
      return c.without(id);
    });
  }

  /** Sets a voter's leadership priority; the highest live voter tends to lead. */
  public void setPriority(String id, int priority) {
    change(c -> c.without(id).withVoter(RaftPeer.newBuilder(c.find(id)).setPriority(priority)
        .build()));
  }

  /**
   * Hands leadership to a voter and waits until it leads or the timeout passes. A hand-off
   * that another voter's election overtook is started again from the new leader. An id that
   * names no voter is refused at once ({@code INVALID_ARGUMENT}, "no member ..." when it names
   * no member at all).
   */
  public void transferLeadership(String id) {
    // Checked first: Ratis takes an empty id to mean "step down", and waits out its timeout for
    // one that is not in the group.
    Conf conf = current();
    if (conf.voters.stream().noneMatch(p -> p.getId().toString().equals(id))) {
      conf.find(id);
      throw new FleetException(FleetException.Code.INVALID_ARGUMENT,
          id + " is a listener; only a voter can lead");
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    for (int attempt = 1; ; attempt++) {
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      IOException failure;
      try {
        RaftClientReply reply = raft.admin().transferLeadership(RaftPeerId.valueOf(id),
            Math.max(left, 1));
        if (reply.isSuccess()) {
          return;
        }
        failure = reply.getException();
      } catch (IOException e) {
        // Ratis's blocking client throws a TransferLeadershipException rather than returning it
        // in the reply (BlockingImpl.sendRequestWithRetry), so both paths are retried alike.
        failure = e;
      }
      if (!(failure instanceof TransferLeadershipException)
          || attempt == ATTEMPTS || System.nanoTime() >= deadline) {
        throw FleetException.of(failure);
      }
    }
  }

  private void change(UnaryOperator<Conf> edit) {
    FleetException last = null;
    // A configuration sent whose attempt failed may have been made all the same: its answer
    // lost, or Ratis sent it again after a timeout and the second copy found the first one's
    // result ("current configuration mismatch"). If the group now has it, the change is made;
    // editing the group as it is now would make another (or fail: "no member" for a removal).
    Conf sent = null;
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      Conf cur = current();
      if (sent != null && cur.sameMembers(sent)) {
        return;
      }
      Conf next = edit.apply(cur);
      if (next.voters.isEmpty()) {
        throw new FleetException(FleetException.Code.INVALID_ARGUMENT,
            "a group needs at least one voter");
      }
      try {
        RaftClientReply reply = raft.admin().setConfiguration(
            SetConfigurationRequest.Arguments.newBuilder()
                .setServersInNewConf(next.voters)
                .setListenersInNewConf(next.listeners)
                .setServersInCurrentConf(cur.voters)
                .setListenersInCurrentConf(cur.listeners)
                .setMode(SetConfigurationRequest.Mode.COMPARE_AND_SET)
                .build());
        if (reply.isSuccess()) {
          return;
        }
        last = FleetException.of(reply.getException());
        if (!(reply.getException() instanceof SetConfigurationException)) {
          throw last;
        }
      } catch (IOException e) {
        last = FleetException.of(e);
      }
      sent = next;
    }
    throw last;
  }

  private Conf current() {
    Set<RaftPeerId> candidates = new LinkedHashSet<>();
    if (raft.getLeaderId() != null) {
      candidates.add(raft.getLeaderId());
    }
    group.peers().forEach(p -> candidates.add(RaftPeerId.valueOf(p.id())));
    Exception last = null;
    for (RaftPeerId id : candidates) {
      try {
        GroupInfoReply info = raft.getGroupManagementApi(id).info(group.ratisId());
        if (info.getRoleInfoProto().getRole() != RaftPeerRole.LEADER) {
          continue;
        }
        RaftConfigurationProto conf = info.getConf().orElseThrow();
        return new Conf(ProtoUtils.toRaftPeers(conf.getPeersList()),
            ProtoUtils.toRaftPeers(conf.getListenersList()));
      } catch (IOException | RuntimeException e) {
        // Whatever one member answers (a removed member's closed replica fails the call with
        // an unchecked exception), another may still be the leader.
        last = e;
      }
    }
    throw new FleetException(FleetException.Code.UNAVAILABLE,
        "no leader of group " + group.name() + " answered", last);
  }

  private static RaftPeer toRatis(FleetPeer p) {
    return RaftPeer.newBuilder().setId(p.id()).setAddress(p.address())
        .setPriority(p.priority()).build();
  }

  private record Conf(List<RaftPeer> voters, List<RaftPeer> listeners) {
    RaftPeer find(String id) {
      for (RaftPeer p : voters) {
        if (p.getId().toString().equals(id)) {
          return p;
        }
      }
      for (RaftPeer p : listeners) {
        if (p.getId().toString().equals(id)) {
          return p;
        }
      }
      throw new FleetException(FleetException.Code.INVALID_ARGUMENT,
          "no member " + id + " in the group");
    }

    /** The same voters and the same listeners, each with the same address and priority. */
    boolean sameMembers(Conf other) {
      return members(voters).equals(members(other.voters))
          && members(listeners).equals(members(other.listeners));
    }

    private static Set<List<Object>> members(List<RaftPeer> peers) {
      return peers.stream()
          .map(p -> Arrays.<Object>asList(p.getId(), p.getAddress(), p.getPriority()))
          .collect(Collectors.toSet());
    }

    boolean votes(String id) {
      return voters.stream().anyMatch(p -> p.getId().toString().equals(id));
    }

    Conf without(String id) {
      return new Conf(
          voters.stream().filter(p -> !p.getId().toString().equals(id)).toList(),
          listeners.stream().filter(p -> !p.getId().toString().equals(id)).toList());
    }

    Conf withVoter(RaftPeer p) {
      List<RaftPeer> v = new ArrayList<>(voters);
      v.add(p);
      return new Conf(v, listeners);
    }

    Conf withListener(RaftPeer p) {
      List<RaftPeer> l = new ArrayList<>(listeners);
      l.add(p);
      return new Conf(voters, l);
    }
  }
}
