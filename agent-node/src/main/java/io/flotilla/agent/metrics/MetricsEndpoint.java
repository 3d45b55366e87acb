package io.flotilla.agent.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.Executors;

/**
 * The node's HTTP endpoint: {@code GET /metrics} (Prometheus text), {@code /healthz} (200
 * while the process runs) and {@code /readyz} (200 once every group has a leader and this node
 * has applied all it knows committed; 503 with the reason otherwise).
 */
public final class MetricsEndpoint implements AutoCloseable {
  private final HttpServer http;

  public MetricsEndpoint(InetSocketAddress address, NodeMetrics metrics, GroupMonitor monitor)
      throws IOException {
    http = HttpServer.create(address, 16);
    http.createContext("/metrics", ex -> send(ex, 200,
        "text/plain; version=0.0.4; charset=utf-8", metrics.scrape()));
    http.createContext("/healthz", ex -> send(ex, 200, "text/plain", "ok\n"));
    http.createContext("/readyz", ex -> {
      Optional<String> reason = monitor.notReadyReason();
      send(ex, reason.isEmpty() ? 200 : 503, "text/plain", reason.orElse("ready") + "\n");
    });
    http.setExecutor(Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "flotilla-metrics-http");
      t.setDaemon(true);
      return t;
    }));
    http.start();
  }

  public int port() {
    return http.getAddress().getPort();
  }

  private static void send(HttpExchange ex, int code, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    http.stop(0);
  }
}
