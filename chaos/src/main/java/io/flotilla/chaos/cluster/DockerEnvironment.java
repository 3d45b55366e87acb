package io.flotilla.chaos.cluster;

import com.github.dockerjava.api.exception.NotFoundException;
import java.util.Optional;
import org.testcontainers.DockerClientFactory;

/**
 * Whether the container suite can run here: a Docker engine and the locally built base image
 * ({@code scripts/docker-engine.sh} provides both).
 */
public final class DockerEnvironment {
  /** The image agent containers start from; built from the machine's own packages. */
  public static final String BASE_IMAGE =
      System.getenv().getOrDefault("FLOTILLA_BASE_IMAGE", "flotilla-base:local");

  private DockerEnvironment() {}

  /** Why the suite cannot run, or empty when it can. */
  public static Optional<String> missing() {
    boolean engine;
    try {
      engine = DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException e) {
      engine = false;
    }
    if (!engine) {
      return Optional.of("no Docker engine is reachable (run scripts/docker-engine.sh)");
    }
    try {
      DockerClientFactory.instance().client().inspectImageCmd(BASE_IMAGE).exec();
    } catch (NotFoundException e) {
      return Optional.of("image " + BASE_IMAGE + " is missing (run scripts/docker-engine.sh)");
    }
    return Optional.empty();
  }

  /** Under CI (or when asked) a missing engine fails the suite instead of skipping it. */
  public static boolean required() {
    return "true".equalsIgnoreCase(System.getenv("CI"))
        || "true".equalsIgnoreCase(System.getenv("FLOTILLA_REQUIRE_DOCKER"));
  }
}
