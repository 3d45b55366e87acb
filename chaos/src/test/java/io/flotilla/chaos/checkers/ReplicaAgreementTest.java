package io.flotilla.chaos.checkers;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.flotilla.chaos.workload.Check;
import io.flotilla.consensus.proto.StateDigestResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplicaAgreementTest {
  private static StateDigestResponse digest(long index, int sha) {
    return StateDigestResponse.newBuilder().setAppliedIndex(index)
        .setSha256(ByteString.copyFrom(new byte[] {(byte) sha, 1, 2})).build();
  }

  @Test
  void identicalReplicasAreValid() {
    Check c = ReplicaAgreement.judge(Map.of("n1", digest(40, 7), "n2", digest(40, 7)));
    assertThat(c.validity()).isEqualTo(Validity.VALID);
    assertThat(c.summary()).isEqualTo("2 replicas identical at applied index 40");
  }

  @Test
  void divergedReplicasAreInvalidAndGroupedByState() {
    Map<String, StateDigestResponse> digests = new LinkedHashMap<>();
    digests.put("n1", digest(40, 7));
    digests.put("n2", digest(40, 9));
    digests.put("n3", digest(40, 7));
    Check c = ReplicaAgreement.judge(digests);
    assertThat(c.validity()).isEqualTo(Validity.INVALID);
    assertThat(c.summary())
        .isEqualTo("replicas diverged at applied index 40: n1, n3 | n2 hold different states");
  }
}
