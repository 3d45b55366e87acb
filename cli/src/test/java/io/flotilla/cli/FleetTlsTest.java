package io.flotilla.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fleet up --tls}: a fleet of agent processes under mutual TLS, usable as printed. */
class FleetTlsTest {
  @TempDir Path dir;

  @Test
  void aTlsFleetServesTheOperatorItPrintsAndRefusesAClientWithoutACertificate() {
    CliRun up = CliRun.of("fleet", "up", "--agents", "3", "--tls", "--dir", dir.toString());
    try {
      assertThat(up.exit()).as(up.toString()).isZero();
      Matcher env = Pattern.compile("export FLOTILLA_CACERT=(\\S+) FLOTILLA_CERT=(\\S+) "
          + "FLOTILLA_KEY=(\\S+)").matcher(up.out());
      assertThat(env.find()).as(up.out()).isTrue();
      Matcher endpoints = Pattern.compile("export FLOTILLA_ENDPOINTS=(\\S+)").matcher(up.out());
      assertThat(endpoints.find()).isTrue();

      CliRun put = CliRun.of("put", "mission/plan", "survey", "--endpoints", endpoints.group(1),
          "--cacert", env.group(1), "--cert", env.group(2), "--key", env.group(3));
      assertThat(put.exit()).as(put.toString()).isZero();

      CliRun anonymous = CliRun.of("get", "mission/plan", "--endpoints", endpoints.group(1),
          "--cacert", env.group(1));
      assertThat(anonymous.exit()).isEqualTo(Flotilla.EXIT_REFUSED);
      assertThat(anonymous.err()).contains("UNAUTHENTICATED");
    } finally {
      CliRun down = CliRun.of("fleet", "down", "--dir", dir.toString());
      assertThat(down.exit()).as(down.toString()).isZero();
    }
  }
}
