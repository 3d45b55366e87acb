package io.flotilla.consensus.statemachine;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;

/**
 * The bytes a leader writes to the log for one command: its wall-clock stamp, then the
 * command. A fixed 9-byte header keeps the hot path free of parsing and copies.
 */
public final class LogEnvelope {
  private static final byte VERSION = 1;
  private static final int HEADER = 9;

  private LogEnvelope() {}

  public static ByteString wrap(long leaderTimeMillis, ByteString command) {
    ByteBuffer header = ByteBuffer.allocate(HEADER).put(VERSION).putLong(leaderTimeMillis).flip();
    return ByteString.copyFrom(header).concat(command);
  }

  /** Reads an envelope written by {@link #wrap}. */
  public static CommittedEntry unwrap(long index, long term, ByteString logData) {
    if (logData.size() < HEADER || logData.byteAt(0) != VERSION) {
      throw new IllegalStateException("log entry " + index + " is not a Flotilla envelope");
    }
    long time = logData.substring(1, HEADER).asReadOnlyByteBuffer().getLong();
    return new CommittedEntry(index, term, time, logData.substring(HEADER));
  }
}
