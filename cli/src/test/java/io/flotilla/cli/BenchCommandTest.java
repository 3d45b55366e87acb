package io.flotilla.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotilla.cli.bench.EtcdFleet;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code flotilla bench} on real agent and baseline processes, in tiny runs. */
class BenchCommandTest {

  @Test
  void aTinyRunBesideTheBaselinePrintsItsFiguresAsJson(@TempDir Path dir) {
    Path hlog = dir.resolve("bench.hlog");
    CliRun run = CliRun.of("bench", "--workload", "mix", "--warmup", "1s", "--duration", "2s",
        "--clients", "2", "--in-flight", "2", "--keys", "50", "--baseline", "ratis",
        "--dir", dir.resolve("fleets").toString(), "--hdr-log", hlog.toString(), "-o", "json");

    assertThat(run.exit()).as(run.toString()).isZero();
    JsonNode json = run.json();
    assertThat(json.get("workload").get("mix").get("put").asInt()).isEqualTo(40);
    assertThat(json.get("workload").get("clients").asInt()).isEqualTo(2);
    assertThat(json.get("fleet").get("endpoints")).hasSize(3);
    JsonNode results = json.get("results");
    assertThat(results).hasSize(2);
    assertThat(results.get(0).get("system").asText()).isEqualTo("flotilla");
    assertThat(results.get(1).get("system").asText()).isEqualTo("ratis");
    for (JsonNode r : results) {
      assertThat(r.get("ops_per_s").asDouble()).as(r.toString()).isPositive();
      assertOrdered(r.get("latency_ms"));
      assertThat(r.get("by_op").size()).isEqualTo(5);
      long byOp = 0;
      for (JsonNode op : r.get("by_op")) {
        byOp += op.get("ops").asLong();
        // A measured window this short may see none of a rare operation complete on a loaded
        // machine; its figures are then all zero, never out of order.
        if (op.get("ops").asLong() > 0) {
          assertOrdered(op.get("latency_ms"));
        } else {
          assertThat(op.get("latency_ms").get("max").asDouble()).as(r.toString()).isZero();
        }
      }
      assertThat(byOp).as("operations by kind add up to the total").isEqualTo(r.get("ops").asLong());
    }
    assertThat(results).allSatisfy(r -> assertThat(r.get("server_cpu_us_per_op").asLong())
        .as("CPU time of the local servers per request").isPositive());
    assertThat(json.get("throughput_ratio").asDouble()).isPositive();
    assertThat(json.has("failover")).isFalse();
    assertThat(hlog).isNotEmptyFile();
    assertThat(dir.resolve("fleets").resolve("fleet").resolve("agent-1.log")).exists();
  }

  /**
   * etcd, as Debian's etcd-server installs it ({@code scripts/docker-engine.sh} does), beside
   * a fleet under the same load: the same operations reach both, and both report their servers'
   * CPU. Skipped only off CI, where etcd could not be installed.
   */
  @Test
  void aTinyRunBesideEtcdSendsBothTheSameLoad(@TempDir Path dir) {
    boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
    if (EtcdFleet.program().isEmpty()) {
      assertThat(ci).as("etcd is on the PATH under CI=true (scripts/docker-engine.sh installs "
          + "etcd-server)").isFalse();
      Assumptions.abort("no etcd on the PATH: install Debian's etcd-server");
    }
    CliRun run = CliRun.of("bench", "--workload", "put=50,txn=20,get=20,stale-get=10",
        "--warmup", "1s", "--duration", "2s", "--rounds", "1", "--clients", "2",
        "--in-flight", "2", "--keys", "50", "--baseline", "etcd",
        "--dir", dir.resolve("fleets").toString(),
        "--hdr-log", dir.resolve("bench.hlog").toString(), "-o", "json");

    assertThat(run.exit()).as(run.toString()).isZero();
    JsonNode results = run.json().get("results");
    assertThat(results).extracting(r -> r.get("system").asText())
        .containsExactly("flotilla", "etcd");
    for (JsonNode r : results) {
      assertThat(r.get("errors").asLong()).as(r.toString()).isZero();
      assertThat(r.get("by_op").size()).as(r.toString()).isEqualTo(4);
      assertOrdered(r.get("latency_ms"));
      assertThat(r.get("server_cpu_us_per_op").asLong()).as(r.toString()).isPositive();
    }
    assertThat(run.json().get("throughput_ratio").asDouble()).isPositive();
    assertThat(dir.resolve("fleets").resolve("etcd").resolve("etcd-1.log")).exists();
  }

  @Test
  void theFootprintOfOneIdleAgentIsItsReadyTimeMemoryAndThreads(@TempDir Path dir) {
    CliRun run = CliRun.of("bench", "--footprint", "--duration", "1s", "--dir", dir.toString(),
        "-o", "json");

    assertThat(run.exit()).as(run.toString()).isZero();
    JsonNode f = run.json().get("footprint");
    assertThat(f.get("ready_ms").asLong()).isPositive();
    assertThat(f.get("idle_rss_bytes").asLong()).isGreaterThan(16L << 20);
    assertThat(f.get("threads").asInt()).isGreaterThan(4);
    assertThat(f.get("java_options").asText()).contains("-Xmx");
  }

  /**
   * A leader that stops answering without closing its connections (SIGSTOP: as a drone that
   * lost power or flew out of range) is left behind: the surviving agents' clients hear of the
   * new leader from their own replicas and send their calls there. Before that, a client kept
   * waiting on the silent leader past every write's deadline, and writes never went on.
   */
  @Test
  void writesGoOnWhenTheLeaderFallsSilent(@TempDir Path dir) {
    CliRun run = CliRun.of("bench", "--failover", "2", "--fault", "silence", "--warmup", "1s",
        "--clients", "2", "--in-flight", "2", "--keys", "50", "--dir", dir.toString(),
        "--hdr-log", dir.resolve("bench.hlog").toString(), "-o", "json");

    assertThat(run.exit()).as(run.toString()).isZero();
    JsonNode failover = run.json().get("failover");
    assertThat(failover.get("fault").asText()).isEqualTo("silence");
    assertThat(failover.get("samples_ms")).hasSize(2);
    assertThat(failover.get("to_first_write_ms").get("min").asDouble()).isPositive();
  }

  private static void assertOrdered(JsonNode latency) {
    List<Double> ordered = List.of(latency.get("p50").asDouble(), latency.get("p90").asDouble(),
        latency.get("p99").asDouble(), latency.get("p99_9").asDouble(),
        latency.get("max").asDouble());
    assertThat(ordered).as(latency.toString()).isSorted();
    assertThat(ordered.get(0)).isPositive();
  }

  @Test
  void badFlagsAreUsageErrorsWithOneLine() {
    for (String[] args : List.of(
        new String[] {"bench", "--clients", "many"},
        new String[] {"bench", "--workload", "frob"},
        new String[] {"bench", "--in-flight", "0"},
        new String[] {"bench", "--profile", "wifi"},
        new String[] {"bench", "--baseline", "zookeeper"},
        new String[] {"bench", "--etcd-endpoints", "127.0.0.1:2379"},
        new String[] {"bench", "--baseline", "etcd", "--workload", "local-get"},
        new String[] {"bench", "--baseline", "etcd", "--etcd-endpoints", "nowhere"},
        new String[] {"bench", "--failover", "2", "--endpoints", "127.0.0.1:7101"},
        new String[] {"bench", "--fault", "silence"},
        new String[] {"bench", "--failover", "2", "--fault", "sleep"},
        new String[] {"bench", "--footprint", "--baseline", "ratis"},
        new String[] {"bench", "--tls", "--baseline", "ratis"},
        new String[] {"bench", "--endpoints", "nowhere"})) {
      CliRun r = CliRun.of(args);

      assertThat(r.exit()).as(String.join(" ", args) + "\n" + r).isEqualTo(Flotilla.EXIT_USAGE);
      assertThat(r.err().strip().lines()).hasSize(1);
      assertThat(r.err()).startsWith("flotilla: ");
    }
  }
}
