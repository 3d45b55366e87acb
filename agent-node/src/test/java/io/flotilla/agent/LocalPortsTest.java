package io.flotilla.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LocalPortsTest {
  @Test
  void portsAreFreeDifferentAndNeverOnesTheKernelGivesOutgoingConnections() throws Exception {
    assumeThat(Files.exists(Path.of("/proc/sys/net/ipv4/ip_local_port_range")))
        .as("a kernel that names its ephemeral range").isTrue();
    int ephemeralLow = LocalPorts.ephemeralLow();
    assertThat(ephemeralLow).as("the ephemeral range as the kernel names it").isGreaterThan(10_000);

    Set<Integer> seen = new HashSet<>();
    for (int call = 0; call < 20; call++) {
      int[] ports = LocalPorts.free(9);
      for (int port : ports) {
        assertThat(port).isBetween(1024, ephemeralLow - 1);
        assertThat(seen.add(port)).as("port %d handed out twice", port).isTrue();
      }
      assertThat(Arrays.stream(ports).distinct().count()).isEqualTo(9);
      try (ServerSocket s = new ServerSocket(ports[0], 1, InetAddress.getLoopbackAddress())) {
        assertThat(s.getLocalPort()).isEqualTo(ports[0]);
      }
    }
  }

  @Test
  void aPortSomeoneListensOnIsNotHandedOut() throws Exception {
    int[] first = LocalPorts.free(1);
    try (ServerSocket taken = new ServerSocket(first[0] + 1, 1, InetAddress.getLoopbackAddress())) {
      int[] next = LocalPorts.free(3);
      assertThat(next).doesNotContain(taken.getLocalPort());
    }
  }
}
