package io.flotilla.consensus.kv;

import com.google.protobuf.ByteString;
import io.flotilla.consensus.proto.ClientSession;
import io.flotilla.consensus.proto.CommandReply;
import io.flotilla.consensus.proto.Error;
import io.flotilla.consensus.proto.SessionCommand;
import io.flotilla.consensus.proto.SessionReply;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The group's record of its clients' sessions, so that a numbered command ({@link
 * SessionCommand}) applies at most once however often it is committed. It depends on the log
 * alone, so every replica answers a command alike.
 *
 * <p>A session keeps the reply to each sequence at or above its first open one, which the
 * client moves up as it stops waiting; so it holds about as many replies as the client has
 * requests outstanding. The group keeps at most {@link #MAX_SESSIONS} sessions and forgets the
 * least recently used first: a command is applied at most once as long as its session is among
 * the most recently used {@code MAX_SESSIONS} when it arrives again, which a session of a client
 * still running always is but in a group with that many clients writing at once.
 */
final class ClientSessions {
  static final int MAX_SESSIONS = 4096;

  private static final class Session {
    long firstOpen = 1;
    long lastIndex;
    final TreeMap<Long, CommandReply> replies = new TreeMap<>(Long::compareUnsigned);
  }

  private final Map<ByteString, Session> sessions = new HashMap<>();
  /** Sessions by the log index of their last command, for forgetting the least recent. */
  private final TreeMap<Long, ByteString> byLastIndex = new TreeMap<>();

  /**
   * The reply {@code command}, committed at {@code index}, gets without being applied: the
   * reply it got when it first applied, or {@code ABANDONED} when its client no longer waits
   * for it. Empty when it is to be applied now, and its reply then {@link #record}ed.
   */
  Optional<CommandReply> settled(SessionCommand command, long index) {
    Session s = sessions.computeIfAbsent(command.getSession(), id -> new Session());
    byLastIndex.remove(s.lastIndex);
    s.lastIndex = index;
    byLastIndex.put(index, command.getSession());
    if (Long.compareUnsigned(command.getFirstOpen(), s.firstOpen) > 0) {
      s.firstOpen = command.getFirstOpen();
      s.replies.headMap(s.firstOpen).clear();
    }
    if (Long.compareUnsigned(command.getSequence(), s.firstOpen) < 0) {
      return Optional.of(CommandReply.newBuilder().setError(Error.newBuilder()
          .setCode(Error.Code.ABANDONED)
          .setMessage("command " + Long.toUnsignedString(command.getSequence())
              + " of its session arrived after its client stopped waiting for it; not applied"))
          .build());
    }
    return Optional.ofNullable(s.replies.get(command.getSequence()));
  }

  /** Keeps the reply of {@code command}, just applied after {@link #settled} found none. */
  void record(SessionCommand command, CommandReply reply) {
    sessions.get(command.getSession()).replies.put(command.getSequence(), reply);
    while (sessions.size() > MAX_SESSIONS) {
      sessions.remove(byLastIndex.pollFirstEntry().getValue());
    }
  }

  int size() {
    return sessions.size();
  }

  /** Every session, in session order, for a snapshot. */
  List<ClientSession> records() {
    return sessions.entrySet().stream()
        .sorted(Map.Entry.comparingByKey(ByteString.unsignedLexicographicalComparator()))
        .map(e -> ClientSession.newBuilder()
            .setSession(e.getKey())
            .setFirstOpen(e.getValue().firstOpen)
            .setLastIndex(e.getValue().lastIndex)
            .addAllReplies(e.getValue().replies.entrySet().stream()
                .map(r -> SessionReply.newBuilder().setSequence(r.getKey()).setReply(r.getValue())
                    .build())
                .toList())
            .build())
        .toList();
  }

  /** Restores one session of a snapshot. */
  void load(ClientSession record) {
    Session s = new Session();
    s.firstOpen = record.getFirstOpen();
    s.lastIndex = record.getLastIndex();
    record.getRepliesList().forEach(r -> s.replies.put(r.getSequence(), r.getReply()));
    sessions.put(record.getSession(), s);
    byLastIndex.put(s.lastIndex, record.getSession());
  }
}
