package io.flotilla.cli.grpc;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One gRPC channel per endpoint (an agent's API, or an etcd member's for the etcd baseline),
 * shared by every call of a command: gRPC multiplexes the calls over one HTTP/2 connection per
 * server, so no call pays for a connection. A channel connects on its first call.
 */
public final class AgentChannels implements AutoCloseable {
  /** Netty's native transport words a refusal "finishConnect(..) failed with error(-111): ...". */
  private static final Pattern NATIVE_ERROR = Pattern.compile(".*failed with error\\(-?\\d+\\): (.+)");

  private final List<String> endpoints;
  private final List<ManagedChannel> channels = new ArrayList<>();

  /**
   * @param endpoints host:port of each agent's API
   * @param tls the client's TLS, or empty for plaintext
   * @throws IllegalArgumentException naming the first endpoint that is not host:port
   */
  public AgentChannels(List<String> endpoints, Optional<SslContext> tls) {
    check(endpoints);
    this.endpoints = List.copyOf(endpoints);
    for (String e : this.endpoints) {
      int colon = e.lastIndexOf(':');
      NettyChannelBuilder b = NettyChannelBuilder
          .forAddress(e.substring(0, colon), Integer.parseInt(e.substring(colon + 1)));
      tls.ifPresentOrElse(b::sslContext, b::usePlaintext);
      channels.add(b.build());
    }
  }

  /** @throws IllegalArgumentException when the list is empty or an endpoint is not host:port */
  public static void check(List<String> endpoints) {
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("--endpoints is empty");
    }
    for (String e : endpoints) {
      int colon = e.lastIndexOf(':');
      if (colon <= 0 || !e.substring(colon + 1).matches("\\d{1,5}")) {
        throw new IllegalArgumentException("endpoint '" + e + "' is not host:port");
      }
    }
  }

  /**
   * A failed call in one line: the deepest cause's message when there is one ("Connection
   * refused"), else the status's description, else its code.
   */
  public static String describe(StatusRuntimeException e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    if (root != e && root.getMessage() != null) {
      Matcher m = NATIVE_ERROR.matcher(root.getMessage());
      return m.matches() ? m.group(1) : root.getMessage();
    }
    String d = e.getStatus().getDescription();
    return d == null ? e.getStatus().getCode().toString() : d;
  }

  /** A failed call as the CLI reports it: its status code, then {@link #describe}. */
  public static String failure(StatusRuntimeException e) {
    return e.getStatus().getCode().name() + ": " + describe(e);
  }

  public int size() {
    return channels.size();
  }

  public ManagedChannel channel(int i) {
    return channels.get(i);
  }

  public List<String> endpoints() {
    return endpoints;
  }

  @Override
  public void close() {
    channels.forEach(ManagedChannel::shutdownNow);
    for (ManagedChannel c : channels) {
      try {
        c.awaitTermination(1, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
