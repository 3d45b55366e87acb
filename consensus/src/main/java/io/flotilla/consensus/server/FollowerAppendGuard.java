package io.flotilla.consensus.server;

import java.io.IOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.proto.RaftProtos.AppendEntriesReplyProto;
import org.apache.ratis.proto.RaftProtos.AppendEntriesReplyProto.AppendResult;
import org.apache.ratis.proto.RaftProtos.AppendEntriesRequestProto;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.util.ProtoUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A follower acknowledges appended entries only once its log holds them, flushed; otherwise it
 * answers as to an append that does not follow its log, with the index it needs next.
 *
 * <p>Ratis 3.3's follower, given a request that starts at the index of one it is still
 * writing, waits for that write and acknowledges the new request's last entry, though the new
 * request may carry more entries than the one written (a leader resends a longer batch from an
 * index the follower refused). A leader counts an acknowledged entry towards a commit and never
 * again sends below it, so such a reply both overstates the entry's copies and leaves the
 * follower without it for good.
 */
public final class FollowerAppendGuard implements InvocationHandler {
  private static final Logger LOG = LoggerFactory.getLogger(FollowerAppendGuard.class);

  private final RaftServer server;

  private FollowerAppendGuard(RaftServer server) {
    this.server = server;
  }

  /** The server, with its replies to appends held to what its logs hold. */
  public static RaftServer around(RaftServer server) {
    return (RaftServer) Proxy.newProxyInstance(RaftServer.class.getClassLoader(),
        new Class<?>[] {RaftServer.class}, new FollowerAppendGuard(server));
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    Object result;
    try {
      result = method.invoke(server, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
    if (method.getName().equals("appendEntriesAsync")
        && args[0] instanceof AppendEntriesRequestProto request) {
      @SuppressWarnings("unchecked")
      CompletableFuture<AppendEntriesReplyProto> reply =
          (CompletableFuture<AppendEntriesReplyProto>) result;
      return reply.thenApply(r -> held(server, request, r));
    }
    return result;
  }

  /** The server's reply to an append, or a refusal if its log does not hold what it says. */
  public static AppendEntriesReplyProto held(RaftServer server,
      AppendEntriesRequestProto request, AppendEntriesReplyProto reply) {
    if (reply.getResult() != AppendResult.SUCCESS || request.getEntriesCount() == 0) {
      return reply;
    }
    LogEntryProto last = request.getEntries(request.getEntriesCount() - 1);
    RaftLog log;
    try {
      log = server.getDivision(
          ProtoUtils.toRaftGroupId(request.getServerRequest().getRaftGroupId())).getRaftLog();
    } catch (IOException e) {
      throw new IllegalStateException("a group that just took an append is gone", e);
    }
    TermIndex held = log.getTermIndex(last.getIndex());
    if (held != null && held.getTerm() == last.getTerm()
        && log.getFlushIndex() >= last.getIndex()) {
      return reply;
    }
    long next = log.getNextIndex();
    LOG.info("{}: not acknowledging entries up to {}, which the log does not hold; next {}",
        server.getId(), TermIndex.valueOf(last), next);
    return reply.toBuilder()
        .setResult(AppendResult.INCONSISTENCY)
        .setNextIndex(next)
        .setMatchIndex(RaftLog.INVALID_LOG_INDEX)
        .build();
  }
}
