package io.flotilla.simulator.voters;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.flotilla.consensus.proto.KeyValue;
import io.flotilla.consensus.proto.Query;
import io.flotilla.consensus.proto.QueryReply;
import io.flotilla.consensus.proto.RangeRequest;
import io.flotilla.consensus.voters.AgentHealth;
import io.flotilla.simulator.fleet.Group;
import io.flotilla.simulator.fleet.Member;
import io.flotilla.simulator.raft.RaftNode;
import io.flotilla.simulator.world.Agent;
import io.flotilla.simulator.world.RadioModel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a group's leader sees of its members, as {@link AgentHealth} for the shared
 * {@code VoterManager}. Each field comes from where a real leader would get it:
 *
 * <ul>
 *   <li>voter: the configuration the leader follows;
 *   <li>present: the member's {@code presence/<agent>} key is in the leader's state (its
 *       lease is kept alive) and the agent is up;
 *   <li>lagMillis: time since the leader's Raft node last had an answer from it (0 for itself);
 *   <li>battery: the agent's {@link io.flotilla.simulator.world.Battery} (-1 on mains power);
 *   <li>link: the mean delivery probability from the agent to each other member of the group
 *       under the radio model (0 for those out of range, cut off or down), to two decimals;
 *   <li>restarts: how often the agent crashed (and so restarted) in the run.
 * </ul>
 *
 * Every agent is eligible to vote.
 */
final class HealthSurvey {
  private static final ByteString PRESENCE = ByteString.copyFromUtf8("presence/");
  private static final ByteString PRESENCE_QUERY = Query.newBuilder()
      .setRange(RangeRequest.newBuilder().setKey(PRESENCE).setPrefix(true).setKeysOnly(true))
      .build().toByteString();

  private final RadioModel radio;

  HealthSurvey(RadioModel radio) {
    this.radio = radio;
  }

  /** Every member of {@code leader}'s group as {@code leader} sees it at {@code now}. */
  List<AgentHealth> survey(Member leader, long now) {
    Group g = leader.group();
    RaftNode node = leader.node();
    Set<String> present = presentAgents(leader);
    List<AgentHealth> out = new ArrayList<>(g.members().size());
    for (Member m : g.members()) {
      Agent a = m.agent();
      long lag = m == leader ? 0 : (now - node.lastHeardFrom(m.position())) / 1000;
      out.add(new AgentHealth(a.name(), node.isVoter(m.position()), true,
          a.isUp() && present.contains(a.name()), lag, a.battery().percent(now),
          link(m, now), a.life()));
    }
    return out;
  }

  private double link(Member m, long now) {
    List<Member> members = m.group().members();
    if (!m.agent().isUp() || members.size() < 2) {
      return m.agent().isUp() ? 1 : 0;
    }
    double sum = 0;
    for (Member other : members) {
      if (other != m && other.agent().isUp()) {
        sum += radio.delivery(m.agent(), other.agent(), now);
      }
    }
    return Math.round(100 * sum / (members.size() - 1)) / 100.0;
  }

  private static Set<String> presentAgents(Member leader) {
    try {
      List<KeyValue> kvs = QueryReply.parseFrom(leader.state().query(PRESENCE_QUERY).join())
          .getRange().getKvsList();
      Set<String> names = new HashSet<>();
      for (KeyValue kv : kvs) {
        names.add(kv.getKey().substring(PRESENCE.size()).toStringUtf8());
      }
      return names;
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("the state machine wrote a malformed reply", e);
    }
  }
}
