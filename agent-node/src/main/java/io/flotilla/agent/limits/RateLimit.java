package io.flotilla.agent.limits;

import io.flotilla.agent.calls.Caller;
import io.flotilla.agent.calls.MessageGate;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Holds each client to {@code client-limits.requests-per-second}: a call takes a token from
 * the client's bucket, and so does each message on a client stream after its first. A call
 * without a token is refused before the service sees it; a stream message without one ends
 * its stream. Must run after {@link Caller#interceptor()} has named the caller.
 */
final class RateLimit implements ServerInterceptor {
  private final ClientTable clients;

  RateLimit(ClientTable clients) {
    this.clients = clients;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    String client = Caller.current();
    Status refusal = take(client);
    if (refusal != null) {
      call.close(refusal, new Metadata());
      return new ServerCall.Listener<>() {};
    }
    ServerCall.Listener<Q> service = next.startCall(call, headers);
    if (call.getMethodDescriptor().getType().clientSendsOneMessage()) {
      return service;
    }
    return new MessageGate<>(call, service, new MessageGate.Admission<>() {
      private boolean first = true;

      @Override
      public Status refusal(Q message) {
        if (first) {
          first = false;
          return null;
        }
        return take(client);
      }
    });
  }

  private Status take(String client) {
    return clients.with(client, (s, now) -> s.takeRequest(now) ? null
        : clients.refusal("requests-per-second", client, "made more than "
            + clients.limits().requestsPerSecond() + " requests per second (burst "
            + clients.limits().burst() + "); slow down and retry"));
  }
}
