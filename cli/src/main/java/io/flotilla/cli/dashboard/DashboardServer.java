package io.flotilla.cli.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The dashboard's web server (the JDK's {@link HttpServer}): the page at {@code /} and the
 * fleet as JSON at {@code /api/fleet}. It serves GET only and holds no state of its own: each
 * answer is the poller's latest snapshot.
 */
public final class DashboardServer implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper()
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
  private static final String PAGE = "dashboard.html";
  private static final Set<String> LOOPBACK_NAMES = Set.of("localhost", "127.0.0.1", "[::1]");

  private final HttpServer server;
  private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "flotilla-dashboard-http");
    t.setDaemon(true);
    return t;
  });

  /**
   * Binds {@code listen} and starts serving.
   *
   * @throws IOException when the address cannot be bound (in use, not this machine's)
   */
  public DashboardServer(InetSocketAddress listen, Supplier<FleetSnapshot> fleet)
      throws IOException {
    byte[] page = page();
    server = HttpServer.create(listen, 0);
    server.createContext("/", x -> {
      if (!get(x)) {
        return;
      }
      if (!x.getRequestURI().getPath().equals("/")) {
        send(x, 404, "text/plain", "not found\n".getBytes());
      } else {
        send(x, 200, "text/html; charset=utf-8", page);
      }
    });
    server.createContext("/api/fleet", x -> {
      if (get(x)) {
        send(x, 200, "application/json", JSON.writeValueAsBytes(fleet.get()));
      }
    });
    server.setExecutor(executor);
    server.start();
  }

  /** The page's address (with the port chosen when port 0 was asked). */
  public String url() {
    InetSocketAddress a = server.getAddress();
    String host = a.getAddress() instanceof Inet6Address ? "[" + a.getHostString() + "]"
        : a.getHostString();
    return "http://" + host + ":" + a.getPort() + "/";
  }

  /**
   * On a loopback address, only requests addressed to loopback: another site's page that the
   * operator's browser runs cannot read the fleet by pointing a name of its own at 127.0.0.1
   * (DNS rebinding). Bound elsewhere, the server is meant to be reached from the network, and
   * serves whoever reaches it.
   */
  private boolean allowed(HttpExchange x) {
    if (!server.getAddress().getAddress().isLoopbackAddress()) {
      return true;
    }
    String host = x.getRequestHeaders().getFirst("Host");
    if (host == null) {
      return false;
    }
    String name = host.startsWith("[") ? host.substring(0, host.indexOf(']') + 1)
        : host.contains(":") ? host.substring(0, host.lastIndexOf(':')) : host;
    return LOOPBACK_NAMES.contains(name.toLowerCase(Locale.ROOT));
  }

  private boolean get(HttpExchange x) throws IOException {
    if (!allowed(x)) {
      send(x, 403, "text/plain", "only for requests to this machine's loopback address\n".getBytes());
      return false;
    }
    if (x.getRequestMethod().equals("GET")) {
      return true;
    }
    x.getResponseHeaders().add("Allow", "GET");
    send(x, 405, "text/plain", "only GET\n".getBytes());
    return false;
  }

  private static void send(HttpExchange x, int code, String type, byte[] body) throws IOException {
    x.getResponseHeaders().add("Content-Type", type);
    x.getResponseHeaders().add("Cache-Control", "no-store");
    x.sendResponseHeaders(code, body.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(body);
    }
  }

  private static byte[] page() {
    try (InputStream in = DashboardServer.class.getResourceAsStream(PAGE)) {
      if (in == null) {
        throw new IllegalStateException("the dashboard page " + PAGE + " is missing from the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
