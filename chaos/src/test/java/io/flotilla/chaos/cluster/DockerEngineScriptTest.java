package io.flotilla.chaos.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;

/**
 * The image build of {@code scripts/docker-engine.sh} as a machine that has never run it goes
 * through it: every run builds a throwaway tag, so a build step that only passes because an
 * earlier run left its image behind fails here.
 */
@RequiresDocker
class DockerEngineScriptTest {
  private static final Path SCRIPT = Path.of("..", "scripts", "docker-engine.sh");

  /**
   * Also: of the containers chaos runs labelled with their process, it removes those whose
   * process has ended and keeps those of a run still going (a second build on the engine).
   */
  @Test
  void buildsARunnableBaseImageUnderAFreshTag() throws Exception {
    String tag = "flotilla-base:first-run-" + UUID.randomUUID().toString().substring(0, 8);
    DockerClient docker = DockerClientFactory.instance().client();
    // Above any pid_max Linux allows: a process that cannot be running.
    String leftBehind = labelled(docker, "999999999");
    String stillUsed = labelled(docker, Long.toString(ProcessHandle.current().pid()));
    try {
      Result run = run(tag);

      assertThat(run.exit).as(run.stderr).isZero();
      assertThat(run.stderr).contains("docker-engine: " + tag + " runs ");
      assertThat(exec(List.of("docker", "image", "inspect", tag)).exit).isZero();
      assertThat(exec(List.of("docker", "inspect", leftBehind)).exit).isNotZero();
      assertThat(exec(List.of("docker", "inspect", stillUsed)).exit).isZero();
    } finally {
      exec(List.of("docker", "rm", "-f", leftBehind, stillUsed));
      exec(List.of("docker", "rmi", "-f", tag));
    }
  }

  private static String labelled(DockerClient docker, String owner) {
    return docker.createContainerCmd(DockerEnvironment.BASE_IMAGE).withCmd("true")
        .withLabels(Map.of(DockerCluster.LABEL, owner)).exec().getId();
  }

  @Test
  void aFailedStepEndsInOneLineNamingIt() throws Exception {
    Result run = run("Not A Valid Tag");

    assertThat(run.exit).isNotZero();
    assertThat(run.stderr.strip().lines().reduce((a, b) -> b).orElse(""))
        .isEqualTo("docker-engine: failed while importing Not A Valid Tag (exit 1)");
  }

  private static Result run(String tag) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("bash", SCRIPT.toString());
    pb.environment().put("FLOTILLA_BASE_IMAGE", tag);
    pb.environment().put("FLOTILLA_REBUILD_BASE", "1");
    return exec(pb);
  }

  private static Result exec(List<String> command) throws Exception {
    return exec(new ProcessBuilder(command));
  }

  private static Result exec(ProcessBuilder pb) throws IOException, InterruptedException {
    Path err = Files.createTempFile("docker-engine", ".err");
    try {
      pb.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile());
      Process p = pb.start();
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IllegalStateException(pb.command() + " did not end");
      }
      return new Result(p.exitValue(), Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(err);
    }
  }

  private record Result(int exit, String stderr) {}
}
