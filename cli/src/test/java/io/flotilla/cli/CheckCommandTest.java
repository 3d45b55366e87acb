package io.flotilla.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CheckCommandTest {

  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = Flotilla.newCommandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  private Path file(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }

  private static String line(int process, String type, String f, String value) {
    return "INFO  jepsen.util - " + process + "\t:" + type + "\t:" + f + "\t" + value + "\n";
  }

  @Test
  void aLinearizableHistoryExitsZero() throws IOException {
    Path history = file("ok.log", line(0, "invoke", "write", "1") + line(0, "ok", "write", "1")
        + line(1, "invoke", "read", "nil") + line(1, "ok", "read", "1"));

    assertThat(run("check", history.toString(), "--model", "cas-register")).isEqualTo(0);
    assertThat(out.toString()).contains("LINEARIZABLE (jepsen-log, cas-register model, "
        + "2 operations, 1 partition,").contains(" ms)");
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void aNonLinearizableHistoryExitsOneAndExplainsWhy() throws IOException {
    Path history = file("stale.edn", """
        {:process 0, :type :invoke, :f :write, :value 1}
        {:process 0, :type :ok, :f :write, :value 1}
        {:process 1, :type :invoke, :f :read, :value nil}
        {:process 1, :type :ok, :f :read, :value nil}
        """);
    Path html = dir.resolve("report.html");

    int exit = run("check", history.toString(), "--model", "cas-register", "--html",
        html.toString());

    assertThat(exit).isEqualTo(1);
    assertThat(out.toString()).contains("NOT LINEARIZABLE (edn,")
        .contains("longest linearizable prefix: 1 of 2 operations")
        .contains("could not linearize: process 1 read() -> nil")
        .contains("report: " + html);
    assertThat(Files.readString(html)).contains("Not linearizable").contains("<svg");
  }

  @Test
  void aHistoryTooHardForTheTimeLimitExitsThree() throws IOException {
    StringBuilder edn = new StringBuilder();
    for (int p = 0; p < 40; p++) {
      edn.append("{:process ").append(p).append(", :type :invoke, :f :write, :value ").append(p)
          .append("}\n");
    }
    edn.append("{:process 40, :type :invoke, :f :read, :value nil}\n")
        .append("{:process 40, :type :ok, :f :read, :value -1}\n");
    for (int p = 0; p < 40; p++) {
      edn.append("{:process ").append(p).append(", :type :ok, :f :write, :value ").append(p)
          .append("}\n");
    }
    Path history = file("hard.edn", edn.toString());

    assertThat(run("check", history.toString(), "--model", "cas-register", "--time-limit",
        "100ms")).isEqualTo(3);
    assertThat(out.toString()).contains("UNKNOWN").contains("stopped: time limit of 100ms");
  }

  @Test
  void theFormatCanBeGivenAndKvNamesTheEdnReader() throws IOException {
    Path history = file("history.txt", """
        {:process 0, :type :invoke, :f :append, :key "0", :value "x"}
        {:process 0, :type :ok, :f :append, :key "0", :value "x"}
        {:process 1, :type :invoke, :f :get, :key "0", :value nil}
        {:process 1, :type :ok, :f :get, :key "0", :value "x"}
        """);

    assertThat(run("check", history.toString(), "--model", "kv", "--format", "kv")).isEqualTo(0);
  }

  @Test
  void anUnparsableLineExitsTwoNamingTheFileAndLine() throws IOException {
    Path history = file("broken.log", line(0, "invoke", "read", "nil") + "garbage here\n");

    assertThat(run("check", history.toString(), "--model", "cas-register")).isEqualTo(2);
    assertThat(err.toString().strip()).isEqualTo("flotilla: " + history
        + ":2: expected 'INFO  jepsen.util - PROCESS :TYPE :F VALUE'");
    assertThat(err.toString()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void aMissingFileExitsTwo() {
    Path missing = dir.resolve("nope.edn");

    assertThat(run("check", missing.toString(), "--model", "kv")).isEqualTo(2);
    assertThat(err.toString().strip()).isEqualTo("flotilla: no such file " + missing);
  }

  @Test
  void badFlagsExitTwo() throws IOException {
    Path history = file("h.edn", "");

    assertThat(run("check", history.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("Missing required option: '--model=MODEL'");
    assertThat(run("check", history.toString(), "--model", "queue")).isEqualTo(2);
    assertThat(err.toString()).contains("unknown model 'queue'");
    assertThat(run("check", history.toString(), "--model", "kv", "--time-limit", "soon"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("'soon' is not a duration");
    assertThat(run("check", history.toString(), "--model", "kv", "--format", "xml"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("unknown format 'xml'");
  }

  @Test
  void operationsTheModelCannotInterpretExitTwo() throws IOException {
    Path history = file("h.edn", """
        {:process 0, :type :invoke, :f :append, :value "x"}
        {:process 0, :type :ok, :f :append, :value "x"}
        """);

    assertThat(run("check", history.toString(), "--model", "cas-register")).isEqualTo(2);
    assertThat(err.toString()).startsWith("flotilla: " + history + ": operation 0")
        .contains("unknown function append");
  }

  @Test
  void helpShowsAnExample() {
    assertThat(run("check", "--help")).isEqualTo(0);
    assertThat(out.toString()).contains("flotilla check history.edn --model cas-register")
        .contains("cas-register, kv,").contains("counter, set").contains("3   unknown");
  }
}
