package io.flotilla.chaos.cluster;

import io.flotilla.agent.AgentMain;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/** Finds the self-contained jar that agent containers run (it holds {@link AgentMain}). */
final class AgentJar {
  private AgentJar() {}

  static Path locate() {
    String configured = System.getProperty("flotilla.agentJar");
    if (configured != null) {
      return Path.of(configured);
    }
    Optional<Path> running = runningJar();
    if (running.isPresent()) {
      return running.get();
    }
    for (Path dir : List.of(Path.of("../agent-node/target"), Path.of("agent-node/target"))) {
      try (Stream<Path> files = Files.list(dir)) {
        Optional<Path> jar = files.filter(p -> p.getFileName().toString().endsWith("-all.jar"))
            .findFirst();
        if (jar.isPresent()) {
          return jar.get().toAbsolutePath();
        }
      } catch (IOException e) {
        // not in this layout; try the next
      }
    }
    throw new IllegalStateException("no agent-node jar found: build it with "
        + "`./mvnw -pl agent-node package` or set -Dflotilla.agentJar");
  }

  /** The jar this JVM runs the agent from, when it carries its dependencies (the flotilla command). */
  private static Optional<Path> runningJar() {
    try {
      Path p = Path.of(AgentMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (!Files.isRegularFile(p)) {
        return Optional.empty();
      }
      try (JarFile jar = new JarFile(p.toFile())) {
        return jar.getEntry("org/apache/ratis/server/RaftServer.class") != null
            ? Optional.of(p) : Optional.empty();
      }
    } catch (URISyntaxException | IOException | SecurityException e) {
      return Optional.empty();
    }
  }
}
