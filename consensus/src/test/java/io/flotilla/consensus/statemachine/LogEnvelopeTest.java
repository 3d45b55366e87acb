package io.flotilla.consensus.statemachine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;

class LogEnvelopeTest {
  private static final ByteString COMMAND = ByteString.copyFromUtf8("put plan");
  private static final ByteString PRELUDE = ByteString.copyFromUtf8("set rules");

  @Test
  void aCommandWithoutPreludeKeepsThePlainEnvelope() {
    ByteString plain = LogEnvelope.wrap(42, ByteString.EMPTY, COMMAND);
    assertThat(plain.byteAt(0)).as("the first version").isEqualTo((byte) 1);
    assertThat(plain.size()).isEqualTo(9 + COMMAND.size());
    assertThat(LogEnvelope.unwrap(7, 3, plain))
        .isEqualTo(new CommittedEntry(7, 3, 42, ByteString.EMPTY, COMMAND));
  }

  @Test
  void aPreludeAndItsCommandReadBackApart() {
    ByteString logData = LogEnvelope.wrap(42, PRELUDE, COMMAND);
    assertThat(LogEnvelope.unwrap(7, 3, logData))
        .isEqualTo(new CommittedEntry(7, 3, 42, PRELUDE, COMMAND));
  }

  @Test
  void anEnvelopeWhosePreludeRunsPastItsEndIsRefused() {
    ByteString logData = LogEnvelope.wrap(42, PRELUDE, COMMAND);
    ByteString cut = logData.substring(0, 13 + PRELUDE.size() - 1);
    assertThatThrownBy(() -> LogEnvelope.unwrap(7, 3, cut))
        .hasMessage("log entry 7 is not a Flotilla envelope");
    assertThatThrownBy(() -> LogEnvelope.unwrap(8, 3, ByteString.copyFromUtf8("x")))
        .hasMessage("log entry 8 is not a Flotilla envelope");
    ByteString emptyPrelude = ByteString.copyFrom(new byte[] {2, 0, 0, 0, 0, 0, 0, 0, 42,
        0, 0, 0, 0}).concat(COMMAND);
    assertThatThrownBy(() -> LogEnvelope.unwrap(9, 3, emptyPrelude))
        .as("wrap writes no empty prelude").hasMessage("log entry 9 is not a Flotilla envelope");
  }
}
