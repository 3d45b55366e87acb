package io.flotilla.agent.grpc;

import io.flotilla.consensus.client.FleetException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Maps failures to the gRPC status codes the API documents. */
final class Errors {
  private Errors() {}

  static StatusRuntimeException toStatus(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof StatusRuntimeException s) {
      return s;
    }
    if (t instanceof FleetException f) {
      Status status = switch (f.code()) {
        case INVALID_ARGUMENT -> f.getMessage().startsWith("no member")
            ? Status.NOT_FOUND : Status.INVALID_ARGUMENT;
        case LEASE_NOT_FOUND -> Status.NOT_FOUND;
        case COMPACTED -> Status.OUT_OF_RANGE;
        case PERMISSION_DENIED -> Status.PERMISSION_DENIED;
        case UNAVAILABLE -> Status.UNAVAILABLE;
        case TIMEOUT -> Status.DEADLINE_EXCEEDED;
        case INTERNAL -> Status.INTERNAL;
      };
      return status.withDescription(f.getMessage()).asRuntimeException();
    }
    if (t instanceof IllegalArgumentException) {
      return Status.INVALID_ARGUMENT.withDescription(t.getMessage()).asRuntimeException();
    }
    if (t instanceof java.io.IOException) {
      return Status.FAILED_PRECONDITION.withDescription(t.getMessage()).asRuntimeException();
    }
    return Status.INTERNAL.withDescription(String.valueOf(t)).asRuntimeException();
  }
}
