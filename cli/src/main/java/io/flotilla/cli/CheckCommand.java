package io.flotilla.cli;

import io.flotilla.chaos.history.History;
import io.flotilla.chaos.history.HistoryFormat;
import io.flotilla.chaos.history.HistoryParseException;
import io.flotilla.chaos.history.Operation;
import io.flotilla.chaos.linearizability.CheckOptions;
import io.flotilla.chaos.linearizability.CheckResult;
import io.flotilla.chaos.linearizability.Evidence;
import io.flotilla.chaos.linearizability.HtmlReport;
import io.flotilla.chaos.linearizability.LinearizabilityChecker;
import io.flotilla.chaos.linearizability.Model;
import io.flotilla.chaos.linearizability.Models;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code flotilla check}: decides whether a recorded history is linearizable. Exits 0 when it is,
 * 1 when it is not, 3 when the time or memory limit stopped the search, and 2 when the command
 * line or the file is wrong.
 */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    description = "Check a recorded history for linearizability against a model.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:the history is linearizable",
      "1:the history is not linearizable",
      "2:bad command line, unreadable file or malformed line",
      "3:unknown: the time or memory limit stopped the check"
    },
    footerHeading = "%nExample:%n",
    footer = {
      "  flotilla check history.edn --model cas-register --html report.html --time-limit 10s",
      "",
      "Formats: edn (Jepsen history.edn maps; the kv histories' lines too, also called kv),",
      "jepsen-log (INFO  jepsen.util - 3 :invoke :read nil), jsonl (Flotilla's JSON lines).",
      "Guessed from the extension (.edn, .log, .jsonl) or the first line when --format is absent."
    })
public final class CheckCommand implements Callable<Integer> {

  static final int EXIT_LINEARIZABLE = 0;
  static final int EXIT_NOT_LINEARIZABLE = 1;
  static final int EXIT_UNKNOWN = 3;

  @Parameters(index = "0", paramLabel = "FILE", description = "The history to check.")
  Path file;

  @Option(names = "--model", required = true, paramLabel = "MODEL",
      converter = ModelName.class, completionCandidates = ModelName.class,
      description = "The object the history ran against: ${COMPLETION-CANDIDATES}.")
  String model;

  @Option(names = "--format", paramLabel = "FORMAT", converter = FormatName.class,
      description = "The history format: edn, jepsen-log, kv or jsonl. Default: guessed.")
  HistoryFormat format;

  @Option(names = "--html", paramLabel = "OUT",
      description = "Also write a self-contained HTML report to OUT.")
  Path html;

  @Option(names = "--time-limit", paramLabel = "DURATION", defaultValue = "30s",
      converter = DurationConverter.class,
      description = "Answer unknown after this long: 500ms, 30s, 2m. Default: ${DEFAULT-VALUE}.")
  Duration timeLimit;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    HistoryFormat used = format != null ? format : guessFormat();
    History history = read(used);
    Model<?> checked = Models.byName(model);
    CheckResult result;
    try {
      result = LinearizabilityChecker.check(history, checked,
          CheckOptions.DEFAULT.withTimeLimit(timeLimit));
    } catch (IllegalArgumentException e) {
      throw CliException.usage(file + ": " + e.getMessage());
    }
    report(out, result, checked, used);
    if (html != null) {
      try {
        Files.writeString(html, HtmlReport.render(file.getFileName().toString(),
            history.operations(), result, checked), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw CliException.usage("cannot write " + html + ": " + message(e));
      }
      out.println("report: " + html);
    }
    out.flush();
    return switch (result.verdict()) {
      case LINEARIZABLE -> EXIT_LINEARIZABLE;
      case NOT_LINEARIZABLE -> EXIT_NOT_LINEARIZABLE;
      case UNKNOWN -> EXIT_UNKNOWN;
    };
  }

  private HistoryFormat guessFormat() {
    try {
      return HistoryFormat.guess(file).orElseThrow(() -> CliException.usage(
          "cannot tell the format of " + file + "; pass --format"));
    } catch (NoSuchFileException e) {
      throw CliException.usage("no such file " + file);
    } catch (IOException e) {
      throw CliException.usage("cannot read " + file + ": " + message(e));
    }
  }

  private History read(HistoryFormat used) {
    try {
      return used.reader().read(file);
    } catch (NoSuchFileException e) {
      throw CliException.usage("no such file " + file);
    } catch (HistoryParseException e) {
      throw CliException.usage(e.getMessage());
    } catch (IOException e) {
      throw CliException.usage("cannot read " + file + ": " + message(e));
    }
  }

  private void report(PrintWriter out, CheckResult result, Model<?> checked, HistoryFormat used) {
    String verdict = result.verdict().name().replace('_', ' ');
    out.printf("%s: %s (%s, %s model, %d operations, %d %s, %d ms)%n", file, verdict,
        used.formatName(), model, result.operations(), result.partitions(),
        result.partitions() == 1 ? "partition" : "partitions", result.elapsed().toMillis());
    result.unknownReason().ifPresent(reason -> out.println("  stopped: " + reason));
    result.evidence().ifPresent(evidence -> describe(out, evidence, checked));
  }

  private static void describe(PrintWriter out, Evidence evidence, Model<?> checked) {
    Operation blocked = evidence.blocked();
    out.printf("  longest linearizable prefix: %d of %d operations in the failing partition%n",
        evidence.longestPrefix().size(), evidence.partition().size());
    out.printf("  could not linearize: process %d %s%n", blocked.process(),
        checked.describe(blocked));
  }

  private static String message(IOException e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /** Accepts the built-in model names and lists them for help and completion. */
  static final class ModelName implements CommandLine.ITypeConverter<String>, Iterable<String> {
    @Override
    public String convert(String value) {
      if (!Models.NAMES.contains(value)) {
        throw new CommandLine.TypeConversionException("unknown model '" + value + "' (expected "
            + String.join(", ", Models.NAMES) + ")");
      }
      return value;
    }

    @Override
    public Iterator<String> iterator() {
      return Models.NAMES.iterator();
    }
  }

  static final class FormatName implements CommandLine.ITypeConverter<HistoryFormat> {
    @Override
    public HistoryFormat convert(String value) {
      try {
        return HistoryFormat.byName(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }
}
