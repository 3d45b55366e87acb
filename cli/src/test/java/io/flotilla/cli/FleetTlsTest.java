package io.flotilla.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flotilla.cli.grpc.AgentChannels;
import io.flotilla.cli.dashboard.FleetPoller;
import io.flotilla.cli.dashboard.FleetSnapshot;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fleet up --tls}: a fleet of agent processes under mutual TLS, usable as printed, by the
 * CLI's commands and its dashboard.
 */
class FleetTlsTest {
  @TempDir Path dir;

  @Test
  void aTlsFleetServesTheOperatorItPrintsAndItsDashboardAndRefusesAClientWithoutACertificate() {
    CliRun up = CliRun.of("fleet", "up", "--agents", "3", "--tls", "--dir", dir.toString());
    try {
      assertThat(up.exit()).as(up.toString()).isZero();
      Matcher env = Pattern.compile("export FLOTILLA_CACERT=(\\S+) FLOTILLA_CERT=(\\S+) "
          + "FLOTILLA_KEY=(\\S+)").matcher(up.out());
      assertThat(env.find()).as(up.out()).isTrue();
      Matcher endpoints = Pattern.compile("export FLOTILLA_ENDPOINTS=(\\S+)").matcher(up.out());
      assertThat(endpoints.find()).isTrue();
      assertThat(up.out()).contains("flotilla dashboard");

      CliRun put = CliRun.of("put", "mission/plan", "survey", "--endpoints", endpoints.group(1),
          "--cacert", env.group(1), "--cert", env.group(2), "--key", env.group(3));
      assertThat(put.exit()).as(put.toString()).isZero();

      CliRun anonymous = CliRun.of("get", "mission/plan", "--endpoints", endpoints.group(1),
          "--cacert", env.group(1));
      assertThat(anonymous.exit()).isEqualTo(Flotilla.EXIT_REFUSED);
      assertThat(anonymous.err()).contains("UNAUTHENTICATED");

      List<String> agents = List.of(endpoints.group(1).split(","));
      try (AgentChannels channels = new AgentChannels(agents,
              ClientTls.of(env.group(1), env.group(2), env.group(3)));
          FleetPoller dashboard = new FleetPoller(channels, Duration.ofSeconds(5),
              Duration.ofMillis(200), Clock.systemUTC()).start()) {
        await().atMost(Duration.ofSeconds(30)).until(() -> dashboard.latest().groups().size() == 1
            && dashboard.latest().groups().get(0).leader() != null);
        assertThat(dashboard.latest().endpoints()).extracting(FleetSnapshot.Endpoint::state)
            .containsOnly("up");
      }
      try (AgentChannels channels = new AgentChannels(agents, ClientTls.of(env.group(1), "", ""));
          FleetPoller dashboard = new FleetPoller(channels, Duration.ofSeconds(5),
              Duration.ofMillis(200), Clock.systemUTC()).start()) {
        await().atMost(Duration.ofSeconds(30)).until(() -> dashboard.latest().endpoints().stream()
            .allMatch(e -> e.error() != null && e.error().contains("UNAUTHENTICATED")));
        assertThat(dashboard.latest().groups()).isEmpty();
      }
    } finally {
      CliRun down = CliRun.of("fleet", "down", "--dir", dir.toString());
      assertThat(down.exit()).as(down.toString()).isZero();
    }
  }
}
