package io.flotilla.cli.bench;

import io.flotilla.consensus.group.FleetGroup;
import io.flotilla.consensus.group.FleetPeer;
import io.flotilla.consensus.server.TuningProfile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The baseline group: {@link CounterServer} processes on loopback, launched the way a fleet's
 * agents are (this JVM's java and class path, the given JVM options), each with its own data
 * directory and log under one directory.
 */
public final class CounterFleet implements AutoCloseable {
  private final FleetGroup group;
  private final List<Process> processes;

  private CounterFleet(FleetGroup group, List<Process> processes) {
    this.group = group;
    this.processes = processes;
  }

  /** Starts a counter server on each of {@code ports}; they elect a leader on their own. */
  public static CounterFleet up(Path dir, int[] ports, TuningProfile profile,
      List<String> jvmOptions) throws IOException {
    Files.createDirectories(dir);
    List<FleetPeer> members = new ArrayList<>();
    for (int i = 0; i < ports.length; i++) {
      members.add(FleetPeer.voter("counter-" + (i + 1), "127.0.0.1:" + ports[i]));
    }
    List<Process> started = new ArrayList<>();
    CounterFleet fleet = new CounterFleet(new FleetGroup(CounterServer.GROUP, members), started);
    try {
      for (FleetPeer m : members) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"),
            CounterServer.class.getName(), dir.resolve(m.id() + "-data").toString(), m.id(),
            profile.name().toLowerCase(Locale.ROOT)));
        members.forEach(p -> cmd.add(p.id() + "=" + p.address()));
        started.add(new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(m.id() + ".log").toFile()))
            .start());
      }
    } catch (IOException | RuntimeException e) {
      fleet.close();
      throw e;
    }
    return fleet;
  }

  public FleetGroup group() {
    return group;
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
