package io.flotilla.cli;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Channels to a fleet's agent APIs. A call goes to the first endpoint that answers; an
 * endpoint that cannot be reached is skipped (any agent serves any call).
 */
final class Api implements AutoCloseable {
  private final List<String> endpoints;
  private final Duration timeout;
  private final Optional<SslContext> tls;
  private final List<ManagedChannel> channels = new ArrayList<>();

  Api(List<String> endpoints, Duration timeout) {
    this(endpoints, timeout, Optional.empty());
  }

  /** @param tls the client's TLS, or empty for plaintext */
  Api(List<String> endpoints, Duration timeout, Optional<SslContext> tls) {
    if (endpoints.isEmpty()) {
      throw CliException.usage("--endpoints is empty");
    }
    for (String e : endpoints) {
      int colon = e.lastIndexOf(':');
      if (colon <= 0 || !e.substring(colon + 1).matches("\\d{1,5}")) {
        throw CliException.usage("endpoint '" + e + "' is not host:port");
      }
    }
    this.endpoints = List.copyOf(endpoints);
    this.timeout = timeout;
    this.tls = tls;
  }

  Duration timeout() {
    return timeout;
  }

  List<String> endpoints() {
    return endpoints;
  }

  ManagedChannel channel(int i) {
    while (channels.size() <= i) {
      String e = endpoints.get(channels.size());
      int colon = e.lastIndexOf(':');
      NettyChannelBuilder b = NettyChannelBuilder
          .forAddress(e.substring(0, colon), Integer.parseInt(e.substring(colon + 1)));
      tls.ifPresentOrElse(b::sslContext, b::usePlaintext);
      channels.add(b.build());
    }
    return channels.get(i);
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
    for (int i = 0; i < endpoints.size(); i++) {
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
        + endpoints + ": " + describe(last));
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
    if (e == null) {
      return "no endpoint";
    }
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    String d = e.getStatus().getDescription();
    return root != e && root.getMessage() != null ? root.getMessage() : d == null ? "" + e.getStatus().getCode() : d;
  }

  long deadlineMillis() {
    return timeout.toMillis();
  }

  @Override
  public void close() {
    for (ManagedChannel c : channels) {
      c.shutdownNow();
      try {
        c.awaitTermination(1, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
