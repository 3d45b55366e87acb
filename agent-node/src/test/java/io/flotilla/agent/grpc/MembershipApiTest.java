package io.flotilla.agent.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flotilla.agent.InProcessAgents;
import io.flotilla.agent.api.ClusterGrpc;
import io.flotilla.agent.api.KVGrpc;
import io.flotilla.agent.api.Member;
import io.flotilla.agent.api.MemberCall;
import io.flotilla.agent.api.MemberListReply;
import io.flotilla.agent.api.PutCall;
import io.flotilla.consensus.proto.PutRequest;
import com.google.protobuf.ByteString;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Membership changes through the agent API, as a client sees them. */
class MembershipApiTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;

  @Test
  void aMemberRemovedThroughItsOwnEndpointAnswersWithTheGroupWithoutIt() throws Exception {
    try (InProcessAgents fleet = new InProcessAgents(dir, 4, "")) {
      await().atMost(WAIT).until(() -> fleet.settledLeaderIndex() >= 0);
      int leader = fleet.leaderIndex();
      int removed = (leader + 1) % 4;
      String id = fleet.status(removed).memberId();

      // The removed member hears from no leader once the change is made, so its own side soon
      // says no quorum: the reply must not be refused for that, or a client would take the
      // removal for not made and ask another agent to make it again.
      MemberListReply reply = ClusterGrpc.newBlockingStub(fleet.channel(removed))
          .withDeadlineAfter(WAIT.toSeconds(), TimeUnit.SECONDS)
          .memberRemove(MemberCall.newBuilder().setId(id).build());

      assertThat(reply.getMembersList()).extracting(Member::getId).hasSize(3).doesNotContain(id);
      assertThat(KVGrpc.newBlockingStub(fleet.channel(leader))
          .withDeadlineAfter(WAIT.toSeconds(), TimeUnit.SECONDS)
          .put(PutCall.newBuilder().setPut(PutRequest.newBuilder()
              .setKey(ByteString.copyFromUtf8("after/removal"))
              .setValue(ByteString.copyFromUtf8("ok"))).build())
          .getRevision()).isPositive();
    }
  }
}
