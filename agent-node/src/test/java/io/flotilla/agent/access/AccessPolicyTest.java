package io.flotilla.agent.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.util.List;
import org.junit.jupiter.api.Test;

class AccessPolicyTest {
  private static final AccessPolicy POLICY = new AccessPolicy(List.of(
      new AccessRule("ops", Role.ADMIN, null),
      new AccessRule("autopilot", Role.WRITE, "mission/"),
      new AccessRule("logger", Role.WRITE, null),
      new AccessRule("dashboard", Role.READ, null)));

  private static List<ByteString> keys(String... keys) {
    return List.of(keys).stream().map(ByteString::copyFromUtf8).toList();
  }

  @Test
  void eachRoleIncludesTheOnesBeforeIt() {
    assertThat(POLICY.refusal("ops", Role.ADMIN, keys())).isEmpty();
    assertThat(POLICY.refusal("ops", Role.WRITE, keys("anything"))).isEmpty();
    assertThat(POLICY.refusal("autopilot", Role.READ, keys())).isEmpty();
    assertThat(POLICY.refusal("autopilot", Role.ADMIN, keys()))
        .hasValue("client autopilot has role write, this needs admin");
    assertThat(POLICY.refusal("dashboard", Role.WRITE, keys("mission/x")))
        .hasValue("client dashboard has role read, this needs write");
  }

  @Test
  void aWriterWritesOnlyUnderItsPrefixAndWithoutOneEverywhere() {
    assertThat(POLICY.refusal("autopilot", Role.WRITE, keys("mission/a", "mission/b"))).isEmpty();
    assertThat(POLICY.refusal("autopilot", Role.WRITE, keys("mission/a", "mission")))
        .hasValue("client autopilot may write only under 'mission/', not 'mission'");
    assertThat(POLICY.refusal("logger", Role.WRITE, keys("logs/1", "x"))).isEmpty();
  }

  @Test
  void aClientNotListedMayDoNothingAndNoClientIsListedTwice() {
    assertThat(POLICY.refusal("stranger", Role.READ, keys()))
        .hasValue("client stranger is not on the access list");
    assertThatThrownBy(() -> new AccessPolicy(List.of(new AccessRule("a", Role.READ, null),
        new AccessRule("a", Role.ADMIN, null))))
        .hasMessage("client a is listed twice");
  }
}
