package io.flotilla.agent.grpc;

import io.flotilla.agent.api.GroupCall;
import io.flotilla.agent.api.LeaseCall;
import io.flotilla.agent.api.LeaseGrantCall;
import io.flotilla.agent.api.LeaseGrpc;
import io.flotilla.consensus.proto.LeaseGrantResponse;
import io.flotilla.consensus.proto.LeaseKeepAliveResponse;
import io.flotilla.consensus.proto.LeaseListResponse;
import io.flotilla.consensus.proto.LeaseRevokeResponse;
import io.grpc.stub.StreamObserver;
import java.time.Duration;

/** Leases: grant, revoke, list, and a keep-alive stream. */
public final class LeaseService extends LeaseGrpc.LeaseImplBase {
  private final Groups groups;

  public LeaseService(Groups groups) {
    this.groups = groups;
  }

  @Override
  public void grant(LeaseGrantCall call, StreamObserver<LeaseGrantResponse> out) {
    try {
      Calls.reply(groups.client(call.getGroup())
          .grantLeaseAsync(Duration.ofMillis(call.getTtlMillis())), out);
    } catch (RuntimeException e) {
      out.onError(Errors.toStatus(e));
    }
  }

  @Override
  public void revoke(LeaseCall call, StreamObserver<LeaseRevokeResponse> out) {
    try {
      Calls.reply(groups.client(call.getGroup()).revokeLeaseAsync(call.getId()), out);
    } catch (RuntimeException e) {
      out.onError(Errors.toStatus(e));
    }
  }

  @Override
  public void list(GroupCall call, StreamObserver<LeaseListResponse> out) {
    try {
      Calls.reply(groups.client(call.getGroup()).leasesAsync(), out);
    } catch (RuntimeException e) {
      out.onError(Errors.toStatus(e));
    }
  }

  @Override
  public StreamObserver<LeaseCall> keepAlive(StreamObserver<LeaseKeepAliveResponse> out) {
    return new StreamObserver<>() {
      private boolean ended;

      @Override
      public void onNext(LeaseCall call) {
        try {
          groups.client(call.getGroup()).keepAliveAsync(call.getId())
              .whenComplete((reply, error) -> send(reply, error));
        } catch (RuntimeException e) {
          send(null, e);
        }
      }

      // Replies complete on different threads; a stream takes one message at a time.
      private synchronized void send(LeaseKeepAliveResponse reply, Throwable error) {
        if (ended) {
          return;
        }
        if (error != null) {
          ended = true;
          out.onError(Errors.toStatus(error));
        } else {
          out.onNext(reply);
        }
      }

      @Override
      public void onError(Throwable t) {
        end();
      }

      @Override
      public synchronized void onCompleted() {
        if (!ended) {
          ended = true;
          out.onCompleted();
        }
      }

      private synchronized void end() {
        ended = true;
      }
    };
  }
}
