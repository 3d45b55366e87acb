package io.flotilla.agent.grpc;

import io.flotilla.agent.api.CampaignCall;
import io.flotilla.agent.api.ElectionCall;
import io.flotilla.agent.api.ElectionGrpc;
import io.flotilla.agent.api.LeaderKey;
import io.flotilla.agent.api.LeaderReply;
import io.flotilla.agent.api.ProclaimCall;
import io.flotilla.agent.api.ProclaimReply;
import io.flotilla.agent.api.ResignReply;
import io.flotilla.agent.calls.Caller;
import io.flotilla.agent.limits.WatchQuota;
import io.flotilla.consensus.election.Election;
import io.flotilla.consensus.election.Leadership;
import io.flotilla.consensus.client.Watch;
import io.flotilla.consensus.proto.KeyValue;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The election recipe for callers that hold their own lease. An Observe call is a watch: it
 * counts against the caller's {@code client-limits.watches} until it ends. Every other call
 * arriving where this node's side of the group has no quorum is refused (see
 * {@link QuorumGate}).
 */
public final class ElectionService extends ElectionGrpc.ElectionImplBase {
  /** How long a campaign may wait when the caller sets no deadline. */
  private static final Duration DEFAULT_CAMPAIGN = Duration.ofMinutes(10);

  private final Groups groups;
  private final QuorumGate quorum;
  private final WatchQuota watches;

  public ElectionService(Groups groups, QuorumGate quorum, WatchQuota watches) {
    this.groups = groups;
    this.quorum = quorum;
    this.watches = watches;
  }

  private Election election(String group, String name) {
    return new Election(groups.client(group), name);
  }

  /** An election whose calls need the group's leader: refused here without a quorum. */
  private Election led(String group, String name) {
    quorum.check(groups.resolve(group));
    return election(group, name);
  }

  @Override
  public void campaign(CampaignCall call, StreamObserver<LeaderKey> out) {
    Calls.blocking(() -> {
      Deadline deadline = Context.current().getDeadline();
      Duration wait = deadline == null
          ? DEFAULT_CAMPAIGN : Duration.ofMillis(deadline.timeRemaining(TimeUnit.MILLISECONDS));
      Election election = led(call.getGroup(), call.getName());
      // A caller that goes away stops the wait, and its candidacy is withdrawn.
      Leadership l = Calls.untilCancelled(() -> election
          .campaign(call.getLease(), call.getValue(), wait));
      return LeaderKey.newBuilder()
          .setGroup(groups.resolve(call.getGroup()))
          .setName(call.getName())
          .setKey(com.google.protobuf.ByteString.copyFromUtf8(l.key()))
          .setCreateRevision(l.createRevision())
          .setLease(l.leaseId())
          .build();
    }, out);
  }

  @Override
  public void proclaim(ProclaimCall call, StreamObserver<ProclaimReply> out) {
    Calls.blocking(() -> ProclaimReply.newBuilder()
        .setHeld(leadership(call.getLeader()).proclaim(call.getValue())).build(), out);
  }

  @Override
  public void resign(LeaderKey key, StreamObserver<ResignReply> out) {
    Calls.blocking(() -> {
      leadership(key).resign();
      return ResignReply.getDefaultInstance();
    }, out);
  }

  private Leadership leadership(LeaderKey key) {
    return led(key.getGroup(), key.getName())
        .resume(key.getKey(), key.getCreateRevision(), key.getLease());
  }

  @Override
  public void leader(ElectionCall call, StreamObserver<LeaderReply> out) {
    Calls.blocking(() -> reply(led(call.getGroup(), call.getName()).leader()), out);
  }

  @Override
  public void observe(ElectionCall call, StreamObserver<LeaderReply> out) {
    ServerCallStreamObserver<LeaderReply> stream = (ServerCallStreamObserver<LeaderReply>) out;
    String caller = Caller.current();
    Status refusal = watches.acquire(caller);
    if (refusal != null) {
      out.onError(refusal.asRuntimeException());
      return;
    }
    try {
      Watch watch = election(call.getGroup(), call.getName()).observe(holder -> {
        synchronized (stream) {
          if (!stream.isCancelled()) {
            stream.onNext(reply(holder));
          }
        }
      });
      // The call ends only by the client going away (or its deadline passing): a cancel.
      stream.setOnCancelHandler(() -> {
        watch.close();
        watches.release(caller);
      });
    } catch (RuntimeException e) {
      watches.release(caller);
      out.onError(Errors.toStatus(e));
    }
  }

  private static LeaderReply reply(Optional<KeyValue> holder) {
    LeaderReply.Builder b = LeaderReply.newBuilder();
    holder.ifPresent(b::setHolder);
    return b.build();
  }
}
