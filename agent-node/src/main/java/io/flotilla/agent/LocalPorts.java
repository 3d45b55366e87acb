package io.flotilla.agent;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Loopback ports free now, for agents about to bind them: below the kernel's ephemeral range
 * where it has one.
 *
 * <p>The kernel takes a port for {@code bind(0)} from the same range as the source port of
 * every outgoing connection, so between choosing such a port and binding it, any connection
 * on the machine (an agent already up dialling its peers) may take it. Below the range only
 * another listener can.
 */
public final class LocalPorts {
  private static final Path EPHEMERAL = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
  private static final int LOWEST = 1024;
  private static final int SPAN = 16_384;
  /** Where the next search starts, so that ports handed out and not yet bound are not reused. */
  private static int cursor = -1;

  private LocalPorts() {}

  /** {@code n} different ports, each free on the loopback address when returned. */
  public static synchronized int[] free(int n) throws IOException {
    int top = ephemeralLow();
    int bottom = Math.max(LOWEST, top - SPAN);
    if (top - bottom < 4 * n) {
      return anyFree(n);
    }
    if (cursor < bottom || cursor >= top) {
      cursor = bottom + ThreadLocalRandom.current().nextInt(top - bottom);
    }
    int[] ports = new int[n];
    int found = 0;
    for (int tried = 0; found < n && tried < top - bottom; tried++) {
      int port = cursor;
      cursor = cursor + 1 < top ? cursor + 1 : bottom;
      if (bindable(port)) {
        ports[found++] = port;
      }
    }
    if (found < n) {
      throw new IOException("no " + n + " free ports between " + bottom + " and " + top);
    }
    return ports;
  }

  /** The lowest ephemeral port, or {@link #LOWEST} where the kernel does not say. */
  static int ephemeralLow() {
    // Read by line: a file under /proc reports no size, and a read sized by it comes back short.
    try (BufferedReader in = Files.newBufferedReader(EPHEMERAL)) {
      return Integer.parseInt(in.readLine().strip().split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return LOWEST;
    }
  }

  private static boolean bindable(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Ports the kernel picks, where there is no room below its ephemeral range. */
  private static int[] anyFree(int n) throws IOException {
    List<ServerSocket> held = new ArrayList<>();
    try {
      int[] ports = new int[n];
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        held.add(s);
        ports[i] = s.getLocalPort();
      }
      return ports;
    } finally {
      for (ServerSocket s : held) {
        s.close();
      }
    }
  }
}
