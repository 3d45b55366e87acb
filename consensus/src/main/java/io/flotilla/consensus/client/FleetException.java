package io.flotilla.consensus.client;

import io.flotilla.consensus.proto.Error;
import io.flotilla.consensus.statemachine.InvalidCommandException;
import io.flotilla.consensus.statemachine.ProposalRefusedException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.ratis.protocol.exceptions.AlreadyClosedException;
import org.apache.ratis.protocol.exceptions.StateMachineException;

/** A request the fleet refused or could not answer; {@link #code()} says which. */
public final class FleetException extends RuntimeException {

  public enum Code {
    /** The request can never succeed as sent: empty key, value over the limit, bad bytes. */
    INVALID_ARGUMENT,
    /** The request names a lease that does not exist (never granted, revoked or expired). */
    LEASE_NOT_FOUND,
    /** A watch asked for a revision older than the history the group keeps. */
    COMPACTED,
    /**
     * The group refused the proposer: a signature that does not verify, a replayed sequence, an
     * agent that is not enrolled, or no signature where the group requires one. Nothing applied.
     */
    PERMISSION_DENIED,
    /**
     * No leader answered within the retry policy. A write may still have been applied, once, if
     * an earlier attempt reached a leader that committed it before the reply was lost.
     */
    UNAVAILABLE,
    /**
     * No reply within the call's timeout. A write may or may not have been applied (never more
     * than once): only a later read can tell.
     */
    TIMEOUT,
    /** A failure inside the client or server; a bug, not bad input. */
    INTERNAL
  }

  private final Code code;

  public FleetException(Code code, String message) {
    super(message);
    this.code = code;
  }

  public FleetException(Code code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public Code code() {
    return code;
  }

  static FleetException of(Error error) {
    Code code = switch (error.getCode()) {
      case INVALID_ARGUMENT -> Code.INVALID_ARGUMENT;
      case LEASE_NOT_FOUND -> Code.LEASE_NOT_FOUND;
      case COMPACTED -> Code.COMPACTED;
      case PERMISSION_DENIED -> Code.PERMISSION_DENIED;
      // Only a copy of a request its client had already given up on gets this reply.
      case ABANDONED -> Code.TIMEOUT;
      case UNKNOWN, UNRECOGNIZED -> Code.INTERNAL;
    };
    return new FleetException(code, error.getMessage());
  }

  /** Maps whatever a Ratis call failed with to one of our codes. */
  static FleetException of(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof FleetException f) {
      return f;
    }
    if (t instanceof TimeoutException) {
      return new FleetException(Code.TIMEOUT,
          "no reply in time; a write may or may not have been applied", t);
    }
    if (t instanceof StateMachineException && t.getMessage() != null) {
      // Ratis carries the validator's reason inside its own message: "<class> from Server <id>: <reason>".
      String m = t.getMessage();
      Code code = m.contains(ProposalRefusedException.class.getName()) ? Code.PERMISSION_DENIED
          : m.contains(InvalidCommandException.class.getName()) ? Code.INVALID_ARGUMENT : null;
      if (code != null) {
        int at = m.indexOf(": ", m.indexOf(" from Server "));
        return new FleetException(code, at < 0 ? m : m.substring(at + 2), t);
      }
    }
    if (t instanceof AlreadyClosedException) {
      return new FleetException(Code.UNAVAILABLE, "client is closed", t);
    }
    if (t instanceof java.io.IOException) {
      return new FleetException(Code.UNAVAILABLE, "no leader reachable: " + t.getMessage(), t);
    }
    return new FleetException(Code.INTERNAL, String.valueOf(t), t);
  }
}
