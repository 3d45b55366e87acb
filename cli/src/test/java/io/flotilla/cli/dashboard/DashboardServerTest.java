package io.flotilla.cli.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The dashboard's web server on a real loopback socket, asked over plain HTTP/1.1. */
class DashboardServerTest {
  private static final FleetSnapshot FLEET = new FleetSnapshot("2026-12-08T00:00:00Z", 1000,
      List.of(new FleetSnapshot.Endpoint("127.0.0.1:7101", "up", null, null, "agent-1", "v",
          10L)), List.of());
  private DashboardServer server;
  private int port;

  @BeforeEach
  void start() throws Exception {
    server = new DashboardServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        () -> FLEET);
    port = URI.create(server.url()).getPort();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void servesThePageAndTheFleetAsSnakeCaseJson() throws Exception {
    assertThat(ask("GET", "/", "127.0.0.1:" + port)).startsWith("HTTP/1.1 200")
        .contains("<title>Flotilla fleet</title>");
    assertThat(ask("GET", "/api/fleet", "localhost:" + port)).startsWith("HTTP/1.1 200")
        .contains("\"polled_at\":\"2026-12-08T00:00:00Z\"").contains("\"uptime_ms\":10");
  }

  @Test
  void refusesOtherMethodsAndPaths() throws Exception {
    assertThat(ask("POST", "/api/fleet", "127.0.0.1:" + port)).startsWith("HTTP/1.1 405");
    assertThat(ask("GET", "/elsewhere", "127.0.0.1:" + port)).startsWith("HTTP/1.1 404");
  }

  @Test
  void onLoopbackAnswersOnlyRequestsAddressedToLoopback() throws Exception {
    assertThat(ask("GET", "/api/fleet", "attacker.example:" + port)).startsWith("HTTP/1.1 403")
        .doesNotContain("agent-1");
    assertThat(ask("GET", "/", "attacker.example")).startsWith("HTTP/1.1 403");
    assertThat(ask("GET", "/api/fleet", "[::1]:" + port)).startsWith("HTTP/1.1 200");
  }

  /** One request on a fresh connection; the whole response as text. */
  private String ask(String method, String path, String host) throws Exception {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      OutputStream out = s.getOutputStream();
      out.write((method + " " + path + " HTTP/1.1\r\nHost: " + host
          + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      BufferedReader in = new BufferedReader(
          new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      StringBuilder all = new StringBuilder();
      for (String line; (line = in.readLine()) != null; ) {
        all.append(line).append('\n');
      }
      return all.toString();
    }
  }
}
