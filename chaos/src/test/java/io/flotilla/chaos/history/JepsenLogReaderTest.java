package io.flotilla.chaos.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

class JepsenLogReaderTest {

  private static History read(String text) throws IOException {
    return new JepsenLogReader().read(new BufferedReader(new StringReader(text)), "etcd.log");
  }

  @Test
  void readsProcessTypeFunctionAndValue() throws IOException {
    History history = read("""
        INFO  jepsen.util - 2\t:invoke\t:cas\t[1 4]
        INFO  jepsen.util - 0\t:invoke\t:read\tnil
        INFO  jepsen.util - 0\t:ok\t:read\t3
        INFO  jepsen.util - 2\t:ok\t:cas\t[1 4]
        """);

    assertThat(history.operations()).containsExactly(
        new Operation(0, 2, "cas", null, List.of(1L, 4L), List.of(1L, 4L), Outcome.OK, 0, 3),
        new Operation(1, 0, "read", null, null, 3L, Outcome.OK, 1, 2));
  }

  @Test
  void aTimedOutFailureIsAnUnknownOutcome() throws IOException {
    History history = read("""
        INFO  jepsen.util - 3\t:invoke\t:read\tnil
        INFO  jepsen.util - 3\t:fail\t:read\t:timed-out
        INFO  jepsen.util - 4\t:invoke\t:write\t1
        INFO  jepsen.util - 4\t:info\t:write\t:timed-out
        """);

    assertThat(history.operations()).extracting(Operation::outcome)
        .containsExactly(Outcome.INFO, Outcome.INFO);
  }

  @Test
  void anInvocationWithoutCompletionIsAnUnknownOutcome() throws IOException {
    History history = read("INFO  jepsen.util - 9\t:invoke\t:write\t3\n");

    assertThat(history.operations().get(0).outcome()).isEqualTo(Outcome.INFO);
    assertThat(history.operations().get(0).completeTime()).isEqualTo(Operation.NEVER);
  }

  @Test
  void aPlainFailureIsKept() throws IOException {
    History history = read("""
        INFO  jepsen.util - 1\t:invoke\t:cas\t[0 3]
        INFO  jepsen.util - 1\t:fail\t:cas\t[0 3]
        """);

    assertThat(history.operations().get(0).outcome()).isEqualTo(Outcome.FAIL);
  }

  @Test
  void reportsTheLineOfAnUnparsableLine() {
    assertThatThrownBy(() -> read("""
        INFO  jepsen.util - 2\t:invoke\t:read\tnil
        this is not an operation
        """))
        .isInstanceOf(HistoryParseException.class)
        .hasMessageStartingWith("etcd.log:2: expected 'INFO  jepsen.util - PROCESS");
  }

  @Test
  void reportsTheLineOfABadValue() {
    assertThatThrownBy(() -> read("INFO  jepsen.util - 2\t:invoke\t:cas\t[1 4\n"))
        .hasMessageStartingWith("etcd.log:1: bad value '[1 4'");
  }
}
