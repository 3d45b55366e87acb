package io.flotilla.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** One run of the {@code flotilla} command line in this JVM, with what it printed. */
record CliRun(int exit, String out, String err) {
  private static final ObjectMapper JSON = new ObjectMapper();

  static CliRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Flotilla.newCommandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(args);
    return new CliRun(exit, out.toString(), err.toString());
  }

  JsonNode json() {
    try {
      return JSON.readTree(out);
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + out + err, e);
    }
  }

  @Override
  public String toString() {
    return "exit " + exit + "\nstdout:\n" + out + "stderr:\n" + err;
  }
}
