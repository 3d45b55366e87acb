package io.flotilla.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.flotilla.agent.api.ClusterGrpc;
import io.flotilla.agent.api.EnrollCall;
import io.flotilla.agent.api.KVGrpc;
import io.flotilla.agent.api.PutCall;
import io.flotilla.agent.api.RangeCall;
import io.flotilla.agent.config.AgentConfig;
import io.flotilla.agent.config.AgentFile;
import io.flotilla.agent.config.ConfigLoader;
import io.flotilla.agent.trust.FleetCa;
import io.flotilla.consensus.proto.ProposalRejections;
import io.flotilla.consensus.proto.PutRequest;
import io.flotilla.consensus.proto.RangeRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent that signs its proposals, in a squad that forwards to a council it also belongs
 * to: its own writes to the council and the forwarder's go out under one identity, so they
 * must share one sequence, or the group refuses the later-numbered one that arrives first as
 * replayed.
 */
class OneSignerPerGroupTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final int WRITES = 150;

  @TempDir Path dir;

  @Test
  void theAgentsOwnCouncilWritesAndItsForwardingAreNeverRefusedAsReplayed() throws Exception {
    Path certs = dir.resolve("certs");
    FleetCa.init(certs).issue("a1", List.of(), Duration.ofDays(1), certs);
    int[] ports = LocalPorts.free(3);
    String raft = "127.0.0.1:" + ports[0];
    List<AgentFile.Member> self = List.of(AgentFile.Member.voter("a1", raft));
    Path yaml = dir.resolve("a1.yaml");
    new AgentFile("a1", dir.resolve("a1").toString(), raft, "127.0.0.1:" + ports[1],
        "127.0.0.1:" + ports[2], null, null, null, null, null, null,
        certs.resolve("a1.identity.key").toString(), "required", null, null,
        List.of(AgentFile.Group.of("squad", self).withForward(new AgentFile.Forward(
                AgentFile.Group.of("council", self), "decisions/", null, 4, 1L)),
            AgentFile.Group.of("council", self))).write(yaml);
    AgentConfig config = ConfigLoader.load(yaml, Map.of(), Map.of());
    ConfigLoader.checkRunnable(config);
    byte[] publicKey = Files.readAllBytes(certs.resolve("a1.identity.pub"));
    ExecutorService writers = Executors.newFixedThreadPool(8);
    try (AgentNode node = AgentNode.start(config)) {
      ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", ports[1])
          .usePlaintext().build();
      try {
        for (String group : List.of("squad", "council")) {
          await().atMost(WAIT).ignoreExceptions().until(() -> {
            ClusterGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .enrollAgent(EnrollCall.newBuilder().setGroup(group).setAgentId("a1")
                    .setPublicKey(ByteString.copyFrom(publicKey)).build());
            return true;
          });
        }
        List<Future<?>> done = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
          int writer = w;
          done.add(writers.submit(() -> write(channel, "squad", "decisions/", writer)));
          done.add(writers.submit(() -> write(channel, "council", "mission/", writer)));
        }
        for (Future<?> f : done) {
          f.get(2, TimeUnit.MINUTES);
        }
        await().atMost(WAIT).until(() -> KVGrpc.newBlockingStub(channel)
            .withDeadlineAfter(10, TimeUnit.SECONDS).range(RangeCall.newBuilder()
                .setGroup("council").setRange(RangeRequest.newBuilder()
                    .setKey(ByteString.copyFromUtf8("squads/squad/decisions/")).setPrefix(true)
                    .setCountOnly(true)).build())
            .getCount() == 4L * WRITES);

        for (String group : List.of("squad", "council")) {
          ProposalRejections refused = node.server().stateMachine(group).identities()
              .getRejections();
          assertThat(refused.getReplayed()).as(group + " proposals refused as replayed")
              .isZero();
        }
      } finally {
        channel.shutdownNow();
      }
    } finally {
      writers.shutdownNow();
    }
  }

  private static void write(ManagedChannel channel, String group, String prefix, int writer) {
    KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(channel);
    for (int i = 0; i < WRITES; i++) {
      kv.withDeadlineAfter(10, TimeUnit.SECONDS).put(PutCall.newBuilder().setGroup(group)
          .setPut(PutRequest.newBuilder()
              .setKey(ByteString.copyFromUtf8(prefix + writer + "-" + i))
              .setValue(ByteString.copyFromUtf8("v"))).build());
    }
  }
}
