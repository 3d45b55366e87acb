package io.flotilla.consensus.server;

import org.apache.ratis.proto.RaftProtos.AppendEntriesRequestProto;

/**
 * The commit index a leader's heartbeat may carry when it names no previous entry: never past
 * what the follower is known to hold.
 *
 * <p>A Ratis leader sends a heartbeat with no previous entry when the follower's next index is
 * the log's first, and (its gRPC appender) also whenever data requests to it are in flight; the
 * commit index it carries is then capped at the log's first index only. A follower takes such a
 * heartbeat as consistent with any log and commits its own entry at that index, even one from a
 * term the group never committed: a member that led a new group's first term alone holds one.
 * From then on it refuses the group's first entry as already committed and every later one as
 * not following its log, and never applies again (checked against Ratis 3.3's
 * {@code RaftServerImpl.checkInconsistentAppendEntries}, {@code ServerImplUtils
 * .effectiveCommitIndex} and {@code LogAppenderBase.newAppendEntriesRequest};
 * {@code FirstLeaderRejoinTest} shows it). Every heartbeat with a previous entry, and every
 * append, the follower checks against its log itself, so those are left as they are.
 */
public final class HeartbeatCommit {
  private HeartbeatCommit() {}

  /**
   * @param held the follower's match index: the last entry a reply of it showed to be the
   *     leader's, or {@code -1}
   * @return {@code request}, or a copy carrying a commit index of at most {@code held} if it is
   *     a heartbeat with no previous entry
   */
  public static AppendEntriesRequestProto limit(AppendEntriesRequestProto request, long held) {
    if (request.hasPreviousLog() || request.getEntriesCount() > 0
        || request.getLeaderCommit() <= held) {
      return request;
    }
    return request.toBuilder().setLeaderCommit(held).build();
  }
}
