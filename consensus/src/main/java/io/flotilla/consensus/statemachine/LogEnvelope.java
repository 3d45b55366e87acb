package io.flotilla.consensus.statemachine;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;

/**
 * The bytes a leader writes to the log for one command: its wall-clock stamp, then the
 * command. A fixed 9-byte header keeps the hot path free of parsing and copies. An entry with a
 * prelude is written in the second version: the stamp, the prelude's length, the prelude, then
 * the command. Both versions are read, so a log written before preludes still replays; code
 * from before preludes cannot read the second version, so every member of a group runs this
 * code before any member's config changes the group's rules.
 */
public final class LogEnvelope {
  private static final byte PLAIN = 1;
  private static final byte WITH_PRELUDE = 2;
  private static final int HEADER = 9;
  private static final int PRELUDE_HEADER = HEADER + 4;

  private LogEnvelope() {}

  private static ByteString wrap(long leaderTimeMillis, ByteString command) {
    ByteBuffer header = ByteBuffer.allocate(HEADER).put(PLAIN).putLong(leaderTimeMillis).flip();
    return ByteString.copyFrom(header).concat(command);
  }

  /** Wraps a command and its prelude; an empty prelude writes the plain envelope. */
  public static ByteString wrap(long leaderTimeMillis, ByteString prelude, ByteString command) {
    if (prelude.isEmpty()) {
      return wrap(leaderTimeMillis, command);
    }
    ByteBuffer header = ByteBuffer.allocate(PRELUDE_HEADER).put(WITH_PRELUDE)
        .putLong(leaderTimeMillis).putInt(prelude.size()).flip();
    return ByteString.copyFrom(header).concat(prelude).concat(command);
  }

  /** Reads an envelope written by {@link #wrap}. */
  public static CommittedEntry unwrap(long index, long term, ByteString logData) {
    byte version = logData.isEmpty() ? 0 : logData.byteAt(0);
    if (version == PLAIN && logData.size() >= HEADER) {
      return new CommittedEntry(index, term, stamp(logData), logData.substring(HEADER));
    }
    if (version == WITH_PRELUDE && logData.size() >= PRELUDE_HEADER) {
      int length = logData.substring(HEADER, PRELUDE_HEADER).asReadOnlyByteBuffer().getInt();
      if (length > 0 && length <= logData.size() - PRELUDE_HEADER) {
        int end = PRELUDE_HEADER + length;
        return new CommittedEntry(index, term, stamp(logData),
            logData.substring(PRELUDE_HEADER, end), logData.substring(end));
      }
    }
    throw new IllegalStateException("log entry " + index + " is not a Flotilla envelope");
  }

  private static long stamp(ByteString logData) {
    return logData.substring(1, HEADER).asReadOnlyByteBuffer().getLong();
  }
}
