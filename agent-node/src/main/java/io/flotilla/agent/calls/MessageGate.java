package io.flotilla.agent.calls;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.Status;

/**
 * A call's listener that hands each incoming message, and the end of the client's messages, to
 * the service only if it is admitted. The first refusal ends the call: the service is told the
 * call was cancelled (exactly what it sees when a client goes away, so a stream's watches and
 * keep-alives end as usual), the client gets the refusal's status, and nothing more reaches the
 * service.
 *
 * @param <Q> the request type
 */
public final class MessageGate<Q> extends ServerCall.Listener<Q> {
  /** Decides whether a message may reach the service. */
  public interface Admission<Q> {
    /** Why {@code message} may not reach the service, or null when it may. */
    Status refusal(Q message);

    /** Why the client may not end its messages now, or null when it may. */
    default Status refusalAtHalfClose() {
      return null;
    }
  }

  private final ServerCall<Q, ?> call;
  private final ServerCall.Listener<Q> service;
  private final Admission<Q> admission;
  // gRPC delivers a call's listener events one at a time, so a plain field is enough.
  private boolean refused;

  public MessageGate(ServerCall<Q, ?> call, ServerCall.Listener<Q> service,
      Admission<Q> admission) {
    this.call = call;
    this.service = service;
    this.admission = admission;
  }

  @Override
  public void onMessage(Q message) {
    if (refused) {
      return;
    }
    Status refusal = admission.refusal(message);
    if (refusal == null) {
      service.onMessage(message);
    } else {
      refuse(refusal);
    }
  }

  @Override
  public void onHalfClose() {
    if (refused) {
      return;
    }
    Status refusal = admission.refusalAtHalfClose();
    if (refusal == null) {
      service.onHalfClose();
    } else {
      refuse(refusal);
    }
  }

  private void refuse(Status refusal) {
    refused = true;
    // The service first, so that it stops sending before the call is closed under it.
    service.onCancel();
    try {
      call.close(refusal, new Metadata());
    } catch (IllegalStateException e) {
      // The service had closed the call meanwhile: there is no one left to tell.
    }
  }

  @Override
  public void onCancel() {
    if (!refused) {
      service.onCancel();
    }
  }

  @Override
  public void onComplete() {
    if (!refused) {
      service.onComplete();
    }
  }

  @Override
  public void onReady() {
    if (!refused) {
      service.onReady();
    }
  }
}
