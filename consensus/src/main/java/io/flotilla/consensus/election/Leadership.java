package io.flotilla.consensus.election;

import com.google.protobuf.ByteString;
import io.flotilla.consensus.proto.Compare;
import io.flotilla.consensus.proto.DeleteRequest;
import io.flotilla.consensus.proto.KeyValue;
import io.flotilla.consensus.proto.PutRequest;
import io.flotilla.consensus.proto.RequestOp;
import io.flotilla.consensus.proto.TxnRequest;
import java.util.Optional;

/** A won {@link Election}: the holder's handle to proclaim, check and give up the role. */
public final class Leadership {
  private final Election election;
  private final ByteString key;
  private final long createRevision;
  private final long leaseId;

  Leadership(Election election, ByteString key, long createRevision, long leaseId) {
    this.election = election;
    this.key = key;
    this.createRevision = createRevision;
    this.leaseId = leaseId;
  }

  public String key() {
    return key.toStringUtf8();
  }

  public long leaseId() {
    return leaseId;
  }

  public long createRevision() {
    return createRevision;
  }

  /**
   * Publishes a new value for observers, only while this candidacy still exists.
   *
   * @return false if the role was lost (lease expired, or resigned)
   */
  public boolean proclaim(String value) {
    return proclaim(ByteString.copyFromUtf8(value));
  }

  public boolean proclaim(ByteString value) {
    return election.client().txn(TxnRequest.newBuilder()
        .addCompare(stillMine())
        .addSuccess(RequestOp.newBuilder().setPut(PutRequest.newBuilder()
            .setKey(key).setValue(value).setLease(leaseId)))
        .build()).getSucceeded();
  }

  /** Whether this candidacy holds the role now (a linearizable read). */
  public boolean isHeld() {
    Optional<KeyValue> holder = election.leader();
    return holder.isPresent() && holder.get().getKey().equals(key)
        && holder.get().getCreateRevision() == createRevision;
  }

  /** Gives up the role (or the candidacy); the next candidate takes over. */
  public void resign() {
    election.client().txn(TxnRequest.newBuilder()
        .addCompare(stillMine())
        .addSuccess(RequestOp.newBuilder().setDelete(DeleteRequest.newBuilder().setKey(key)))
        .build());
  }

  private Compare stillMine() {
    return Compare.newBuilder().setKey(key).setCreateRevision(createRevision).build();
  }
}
