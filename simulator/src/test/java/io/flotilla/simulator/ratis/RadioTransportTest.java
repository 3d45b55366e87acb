package io.flotilla.simulator.ratis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotilla.consensus.kv.Limits;
import io.flotilla.consensus.group.FleetGroup;
import io.flotilla.consensus.group.FleetPeer;
import io.flotilla.consensus.server.TuningProfile;
import io.flotilla.simulator.world.Agent;
import io.flotilla.simulator.world.Partitions;
import io.flotilla.simulator.world.RadioModel;
import io.flotilla.simulator.world.Stationary;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.ratis.proto.RaftProtos.RaftGroupIdProto;
import org.apache.ratis.proto.RaftProtos.RaftRpcRequestProto;
import org.apache.ratis.proto.RaftProtos.RequestVoteReplyProto;
import org.apache.ratis.proto.RaftProtos.RequestVoteRequestProto;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.TimeoutIOException;
import org.apache.ratis.server.RaftServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The radio as Ratis's transport, called as Ratis calls it: a vote request from {@code near} is
 * answered by {@code here}, 100 m away, after the link's latency both ways; one to {@code far},
 * 1 km away with 200 m radios, is never answered, and fails once the request timeout has
 * passed.
 */
class RadioTransportTest {
  private static final long LATENCY_MICROS = 40_000;

  @TempDir Path dir;
  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
  private final List<RatisAgent> agents = new ArrayList<>();
  private RadioLinks radio;
  private RaftGroupId group;

  @BeforeEach
  void startThreeServers() throws Exception {
    List<Agent> world = List.of(new Agent(0, "near", new Stationary(0, 0), 200),
        new Agent(1, "here", new Stationary(100, 0), 200),
        new Agent(2, "far", new Stationary(1000, 0), 200));
    Partitions partitions = new Partitions(world.size());
    FleetGroup fleetGroup = new FleetGroup("g", List.of(FleetPeer.voter("near", "radio:0"),
        FleetPeer.voter("here", "radio:0"), FleetPeer.voter("far", "radio:0")));
    group = fleetGroup.ratisId();
    radio = new RadioLinks(world, new RadioModel(0, 0, LATENCY_MICROS, LATENCY_MICROS, 0,
        partitions), partitions, List.of(new int[] {0, 1}, new int[] {0, 2}, new int[] {1, 2}),
        Map.of(RaftPeerId.valueOf("near"), 0, RaftPeerId.valueOf("here"), 1,
            RaftPeerId.valueOf("far"), 2),
        Map.of(group.toByteString(), 0), 1);
    radio.refresh(0);
    for (Agent a : world) {
      RatisAgent agent = new RatisAgent(a.name(), dir.resolve(a.name()), TuningProfile.LAN,
          Limits.DEFAULT, radio, timers);
      agent.start();
      agents.add(agent);
    }
    for (RatisAgent a : agents) {
      a.join(fleetGroup);
    }
  }

  @AfterEach
  void stop() throws Exception {
    for (RatisAgent a : agents) {
      a.crash();
      a.awaitClosed();
    }
    timers.shutdownNow();
  }

  @Test
  void aRequestInRangeArrivesAfterTheLatencyAndOneOutOfRangeNeverArrives() throws Exception {
    RaftServer near = agents.get(0).ratis();
    long term = 1_000;

    long sent = System.nanoTime();
    RequestVoteReplyProto reply = near.getServerRpc().requestVote(vote("here", term));
    long tookMicros = (System.nanoTime() - sent) / 1000;
    assertThat(RaftPeerId.valueOf(reply.getServerReply().getReplyId()))
        .as("answered by the server in range").isEqualTo(RaftPeerId.valueOf("here"));
    assertThat(tookMicros).as("there and back").isGreaterThanOrEqualTo(2 * LATENCY_MICROS);

    sent = System.nanoTime();
    assertThatThrownBy(() -> near.getServerRpc().requestVote(vote("far", term)))
        .isInstanceOf(TimeoutIOException.class);
    assertThat((System.nanoTime() - sent) / 1_000_000)
        .as("the sender waited out its request timeout")
        .isGreaterThanOrEqualTo(TuningProfile.LAN.requestTimeout().toMillis());
    assertThat(radio.take(0, RadioLinks.OUT_OF_RANGE)).isPositive();
  }

  @Test
  void aCrashedServerIsOffTheAirAtOnce() throws Exception {
    RaftServer near = agents.get(0).ratis();
    agents.get(1).crash();

    assertThat(radio.receiver(RaftPeerId.valueOf("here"))).isNull();
    assertThat(radio.receiver(RaftPeerId.valueOf("far"))).isSameAs(agents.get(2).ratis());
    assertThat(radio.receiver(RaftPeerId.valueOf("near"))).isSameAs(near);
  }

  private RequestVoteRequestProto vote(String to, long term) {
    return RequestVoteRequestProto.newBuilder()
        .setServerRequest(RaftRpcRequestProto.newBuilder()
            .setRequestorId(RaftPeerId.valueOf("near").toByteString())
            .setReplyId(RaftPeerId.valueOf(to).toByteString())
            .setRaftGroupId(RaftGroupIdProto.newBuilder().setId(group.toByteString())))
        .setCandidateTerm(term)
        .build();
  }
}
