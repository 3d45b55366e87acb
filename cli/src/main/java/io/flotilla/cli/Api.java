package io.flotilla.cli;

import io.flotilla.cli.grpc.AgentChannels;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Channels to a fleet's agent APIs. A call goes to the first endpoint that answers; an
 * endpoint that cannot be reached is skipped (any agent serves any call).
 */
final class Api implements AutoCloseable {
  private final Duration timeout;
  private final AgentChannels channels;

  Api(List<String> endpoints, Duration timeout) {
    this(endpoints, timeout, Optional.empty());
  }

  /** @param tls the client's TLS, or empty for plaintext */
  Api(List<String> endpoints, Duration timeout, Optional<SslContext> tls) {
    check(endpoints);
    this.timeout = timeout;
    this.channels = new AgentChannels(endpoints, tls);
  }

  /** Endpoints that are not host:port are a usage error. */
  static void check(List<String> endpoints) {
    try {
      AgentChannels.check(endpoints);
    } catch (IllegalArgumentException e) {
      throw CliException.usage(e.getMessage());
    }
  }

  Duration timeout() {
    return timeout;
  }

  List<String> endpoints() {
    return channels.endpoints();
  }

  ManagedChannel channel(int i) {
    return channels.channel(i);
  }

  /**
   * Calls the first endpoint that can be reached, is in the group and whose side of the group
   * has a quorum; the stub gets this call's deadline. When every endpoint that answered had no
   * quorum, or none is in the group, that refusal is the call's failure.
   */
  <T> T call(Function<ManagedChannel, T> rpc) {
    StatusRuntimeException last = null;
    StatusRuntimeException noQuorum = null;
    StatusRuntimeException noGroup = null;
    for (int i = 0; i < channels.size(); i++) {
      try {
        return rpc.apply(channel(i));
      } catch (StatusRuntimeException e) {
        if (notInGroup(e)) {
          // A fleet of squads: the agents of another squad serve other groups.
          noGroup = e;
          continue;
        }
        if (e.getStatus().getCode() != Status.Code.UNAVAILABLE) {
          throw e;
        }
        if (noQuorum(e)) {
          noQuorum = e;
        } else if (unreachable(e)) {
          last = e;
        } else {
          throw e;
        }
      }
    }
    if (noQuorum != null) {
      throw noQuorum;
    }
    if (noGroup != null) {
      throw noGroup;
    }
    throw new CliException(Flotilla.EXIT_REFUSED, "cannot reach any endpoint "
        + channels.endpoints() + ": " + describe(last));
  }

  private static boolean notInGroup(StatusRuntimeException e) {
    String d = e.getStatus().getDescription();
    return e.getStatus().getCode() == Status.Code.NOT_FOUND && d != null
        && d.startsWith("this node is in no group");
  }

  /** An agent cut off from its group's majority: another endpoint may be on the other side. */
  private static boolean noQuorum(StatusRuntimeException e) {
    String d = e.getStatus().getDescription();
    return d != null && d.startsWith("no quorum");
  }

  /** UNAVAILABLE from the transport (no connection), not from the fleet (no leader). */
  private static boolean unreachable(StatusRuntimeException e) {
    Throwable c = e.getCause();
    return c != null || e.getStatus().getDescription() == null
        || e.getStatus().getDescription().startsWith("io exception");
  }

  static String describe(StatusRuntimeException e) {
    return e == null ? "no endpoint" : AgentChannels.describe(e);
  }

  long deadlineMillis() {
    return timeout.toMillis();
  }

  @Override
  public void close() {
    channels.close();
  }
}
