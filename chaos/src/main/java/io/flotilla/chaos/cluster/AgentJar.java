package io.flotilla.chaos.cluster;

import io.flotilla.agent.AgentMain;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
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

  /** The first twelve hex digits of the jar's SHA-256: names its image. */
  static String digest(Path jar) {
    try (InputStream in = Files.newInputStream(jar)) {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        sha.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(sha.digest()).substring(0, 12);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the agent jar " + jar, e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
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
