package io.flotilla.agent.grpc;

import io.flotilla.agent.api.WatchCall;
import io.flotilla.agent.api.WatchCreate;
import io.flotilla.agent.api.WatchGrpc;
import io.flotilla.agent.api.WatchReply;
import io.flotilla.agent.calls.Caller;
import io.flotilla.agent.limits.WatchQuota;
import io.flotilla.consensus.client.FleetException;
import io.flotilla.consensus.client.Watch;
import io.flotilla.consensus.client.WatchListener;
import io.flotilla.consensus.proto.Event;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Watches over one bidirectional stream. Each watch delivers every committed event on its
 * keys once, in revision order, across leader changes; ending the stream ends its watches. A
 * watch over the client's {@code client-limits.watches} is canceled at once with
 * {@code RESOURCE_EXHAUSTED}; the stream and its other watches go on.
 */
public final class WatchService extends WatchGrpc.WatchImplBase {
  private final Groups groups;
  private final WatchQuota quota;

  public WatchService(Groups groups, WatchQuota quota) {
    this.groups = groups;
    this.quota = quota;
  }

  @Override
  public StreamObserver<WatchCall> watch(StreamObserver<WatchReply> out) {
    return new Session(out, Caller.current());
  }

  private final class Session implements StreamObserver<WatchCall> {
    private final StreamObserver<WatchReply> out;
    private final String caller;
    /** Every watch in here holds one of the caller's quota, released when it leaves. */
    private final Map<Long, Watch> watches = new HashMap<>();
    private long nextId = 1;
    private boolean ended;

    Session(StreamObserver<WatchReply> out, String caller) {
      this.out = out;
      this.caller = caller;
    }

    @Override
    public synchronized void onNext(WatchCall call) {
      switch (call.getRequestCase()) {
        case CREATE -> create(call.getCreate());
        case CANCEL_WATCH_ID -> cancel(call.getCancelWatchId(),
            Status.CANCELLED.withDescription("canceled by the client"));
        case REQUEST_NOT_SET -> send(WatchReply.newBuilder().setCanceled(true)
            .setCancelCode(Status.Code.INVALID_ARGUMENT.value())
            .setCancelReason("empty watch request").build());
      }
    }

    private void create(WatchCreate c) {
      long id = nextId++;
      boolean counted = false;
      try {
        var client = groups.client(c.getGroup());
        Status refusal = quota.acquire(caller);
        if (refusal != null) {
          send(canceled(id, refusal));
          return;
        }
        counted = true;
        send(WatchReply.newBuilder().setWatchId(id).setCreated(true).build());
        watches.put(id, client.watch(c.getKey(), c.getPrefix(), c.getStartRevision(),
            new WatchListener() {
              @Override
              public void onEvents(List<Event> events) {
                send(WatchReply.newBuilder().setWatchId(id).addAllEvents(events).build());
              }

              @Override
              public void onError(FleetException error) {
                cancel(id, Errors.toStatus(error).getStatus());
              }
            }));
      } catch (RuntimeException e) {
        if (counted) {
          quota.release(caller);
        }
        send(canceled(id, Errors.toStatus(e).getStatus()));
      }
    }

    private synchronized void cancel(long id, Status why) {
      Watch w = watches.remove(id);
      if (w != null) {
        w.close();
        quota.release(caller);
        send(canceled(id, why));
      }
    }

    private WatchReply canceled(long id, Status why) {
      return WatchReply.newBuilder().setWatchId(id).setCanceled(true)
          .setCancelCode(why.getCode().value())
          .setCancelReason(why.getDescription() == null ? why.getCode().name() : why.getDescription())
          .build();
    }

    private synchronized void send(WatchReply reply) {
      if (!ended) {
        out.onNext(reply);
      }
    }

    @Override
    public void onError(Throwable t) {
      end();
    }

    @Override
    public void onCompleted() {
      if (end()) {
        out.onCompleted();
      }
    }

    private synchronized boolean end() {
      if (ended) {
        return false;
      }
      ended = true;
      watches.values().forEach(w -> {
        w.close();
        quota.release(caller);
      });
      watches.clear();
      return true;
    }
  }
}
