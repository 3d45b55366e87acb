package io.flotilla.cli.bench;

import io.flotilla.agent.LocalPorts;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * An etcd cluster on loopback for the bench to compare with: {@code members} etcd servers
 * (the {@code etcd} program on the PATH, as Debian's {@code etcd-server} installs it) with
 * etcd's default timing, each with its own data directory and log under one directory.
 */
public final class EtcdFleet implements AutoCloseable {
  private final List<String> endpoints;
  private final List<Process> processes;

  private EtcdFleet(List<String> endpoints, List<Process> processes) {
    this.endpoints = endpoints;
    this.processes = processes;
  }

  /** The etcd program on the PATH, if there is one. */
  public static Optional<Path> program() {
    String path = System.getenv().getOrDefault("PATH", "");
    return Stream.of(path.split(File.pathSeparator)).filter(d -> !d.isEmpty())
        .map(d -> Path.of(d, "etcd")).filter(Files::isExecutable).findFirst();
  }

  /** Starts the members; they elect a leader on their own. */
  public static EtcdFleet up(Path dir, int members) throws IOException {
    Path etcd = program().orElseThrow(() -> new IllegalStateException(
        "no etcd on the PATH: install Debian's etcd-server (apt-get install etcd-server)"));
    Files.createDirectories(dir);
    int[] ports = LocalPorts.free(2 * members);
    List<String> clientUrls = new ArrayList<>();
    List<String> peerUrls = new ArrayList<>();
    List<String> cluster = new ArrayList<>();
    for (int i = 0; i < members; i++) {
      clientUrls.add("http://127.0.0.1:" + ports[2 * i]);
      peerUrls.add("http://127.0.0.1:" + ports[2 * i + 1]);
      cluster.add(name(i) + "=" + peerUrls.get(i));
    }
    List<Process> started = new ArrayList<>();
    EtcdFleet fleet = new EtcdFleet(
        clientUrls.stream().map(u -> u.substring("http://".length())).toList(), started);
    try {
      for (int i = 0; i < members; i++) {
        started.add(new ProcessBuilder(etcd.toString(),
            "--name", name(i),
            "--data-dir", dir.resolve(name(i) + "-data").toString(),
            "--listen-client-urls", clientUrls.get(i),
            "--advertise-client-urls", clientUrls.get(i),
            "--listen-peer-urls", peerUrls.get(i),
            "--initial-advertise-peer-urls", peerUrls.get(i),
            "--initial-cluster", String.join(",", cluster),
            "--initial-cluster-state", "new",
            "--initial-cluster-token", "flotilla-bench")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(
                dir.resolve(name(i) + ".log").toFile()))
            .start());
      }
    } catch (IOException | RuntimeException e) {
      fleet.close();
      throw e;
    }
    return fleet;
  }

  private static String name(int i) {
    return "etcd-" + (i + 1);
  }

  /** host:port of each member's client API. */
  public List<String> endpoints() {
    return endpoints;
  }

  public List<ProcessHandle> processes() {
    return processes.stream().map(Process::toHandle).toList();
  }

  /** Stops every server (SIGTERM, then SIGKILL after 5 s) and waits for them to exit. */
  @Override
  public void close() {
    LocalServers.stop(processes);
  }
}
