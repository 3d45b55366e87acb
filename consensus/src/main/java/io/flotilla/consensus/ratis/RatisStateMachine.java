package io.flotilla.consensus.ratis;

import com.google.protobuf.ByteString;
import io.flotilla.consensus.statemachine.CommittedEntry;
import io.flotilla.consensus.statemachine.InvalidCommandException;
import io.flotilla.consensus.statemachine.LogEnvelope;
import io.flotilla.consensus.statemachine.ReplicatedStateMachine;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.MD5FileUtil;

/**
 * Runs a {@link ReplicatedStateMachine} as a Ratis state machine: the leader validates and
 * stamps each command with its clock before it enters the log, every replica unwraps and
 * applies it, and snapshots are checksummed files in Ratis's snapshot directory.
 */
public final class RatisStateMachine extends BaseStateMachine {
  private final ReplicatedStateMachine sm;
  private final LongSupplier clock;
  private final ClientId leaderDuties;
  private final Runnable leaderChanged;
  private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();

  /**
   * @param clock the leader's wall clock in milliseconds; it is read only when this replica
   *     proposes, never when it applies
   * @param leaderDuties the client id of this server's own proposals (its leader duties); a
   *     request from any other client is a client's
   * @param leaderChanged told when this replica learns of a new leader; it runs on a Ratis
   *     thread holding the server's state, so it must only hand the news on
   */
  public RatisStateMachine(ReplicatedStateMachine sm, LongSupplier clock, ClientId leaderDuties,
      Runnable leaderChanged) {
    this.sm = sm;
    this.clock = clock;
    this.leaderDuties = leaderDuties;
    this.leaderChanged = leaderChanged;
  }

  @Override
  public void notifyLeaderChanged(RaftGroupMemberId member, RaftPeerId newLeaderId) {
    leaderChanged.run();
  }

  public ReplicatedStateMachine stateMachine() {
    return sm;
  }

  @Override
  public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage)
      throws IOException {
    super.initialize(server, groupId, raftStorage);
    storage.init(raftStorage);
    getLifeCycle().startAndTransition(this::loadLatestSnapshot, IOException.class);
  }

  /** Ratis pauses the state machine before it installs a snapshot from the leader. */
  @Override
  public void pause() {
    getLifeCycle().transition(LifeCycle.State.PAUSING);
    getLifeCycle().transition(LifeCycle.State.PAUSED);
  }

  /** Called after the leader installed a snapshot on this follower: it must be loaded. */
  @Override
  public void reinitialize() throws IOException {
    getLifeCycle().startAndTransition(this::loadLatestSnapshot, IOException.class);
  }

  private void loadLatestSnapshot() throws IOException {
    SingleFileSnapshotInfo snapshot = storage.loadLatestSnapshot();
    if (snapshot == null) {
      return;
    }
    FileInfo info = snapshot.getFile();
    Path file = info.getPath();
    if (info.getFileDigest() != null) {
      MD5FileUtil.verifySavedMD5(file.toFile(), info.getFileDigest());
    }
    SnapshotFile.restore(sm, file);
    setLastAppliedTermIndex(snapshot.getTermIndex());
  }

  @Override
  public StateMachineStorage getStateMachineStorage() {
    return storage;
  }

  @Override
  public TransactionContext startTransaction(RaftClientRequest request) throws IOException {
    ByteString command = RatisBytes.content(request.getMessage());
    TransactionContext.Builder trx =
        TransactionContext.newBuilder().setStateMachine(this).setClientRequest(request);
    boolean byLeader = request.getClientId().equals(leaderDuties);
    try {
      sm.validate(command, byLeader);
    } catch (InvalidCommandException e) {
      return trx.build().setException(e);
    }
    ByteString prelude = byLeader ? ByteString.EMPTY : sm.prelude();
    return trx.setLogData(RatisBytes.toRatis(LogEnvelope.wrap(clock.getAsLong(), prelude,
        command))).build();
  }

  @Override
  public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
    LogEntryProto entry = trx.getLogEntry();
    CommittedEntry committed = LogEnvelope.unwrap(entry.getIndex(), entry.getTerm(),
        RatisBytes.fromRatis(entry.getStateMachineLogEntry().getLogData()));
    ByteString reply = sm.apply(committed);
    updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
    return CompletableFuture.completedFuture(RatisBytes.message(reply));
  }

  @Override
  public CompletableFuture<Message> query(Message request) {
    return sm.query(RatisBytes.content(request)).thenApply(RatisBytes::message);
  }

  @Override
  public long takeSnapshot() throws IOException {
    // Ratis calls this on the thread that applies entries, so the state is not moving.
    TermIndex last = getLastAppliedTermIndex();
    if (last == null || last.getIndex() < 0) {
      return RaftLog.INVALID_LOG_INDEX;
    }
    File file = storage.getSnapshotFile(last.getTerm(), last.getIndex());
    SnapshotFile.write(sm, file.toPath());
    MD5Hash md5 = MD5FileUtil.computeAndSaveMd5ForFile(file);
    // Ratis finds the snapshot to install on lagging followers through this.
    storage.updateLatestSnapshot(
        new SingleFileSnapshotInfo(new FileInfo(file.toPath(), md5), last));
    return last.getIndex();
  }
}
