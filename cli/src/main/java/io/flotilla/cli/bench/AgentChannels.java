package io.flotilla.cli.bench;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One gRPC channel per endpoint (an agent's API, or an etcd member's for the etcd baseline),
 * shared by every client of a run: gRPC multiplexes the calls over one HTTP/2 connection per
 * server, so no call pays for a connection.
 */
public final class AgentChannels implements AutoCloseable {
  private final List<String> endpoints;
  private final List<ManagedChannel> channels = new ArrayList<>();

  /**
   * @param endpoints host:port of each agent's API, already checked to be well formed
   * @param tls the client's TLS, or empty for plaintext
   */
  public AgentChannels(List<String> endpoints, Optional<SslContext> tls) {
    this.endpoints = List.copyOf(endpoints);
    for (String e : this.endpoints) {
      int colon = e.lastIndexOf(':');
      NettyChannelBuilder b = NettyChannelBuilder
          .forAddress(e.substring(0, colon), Integer.parseInt(e.substring(colon + 1)));
      tls.ifPresentOrElse(b::sslContext, b::usePlaintext);
      channels.add(b.build());
    }
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
