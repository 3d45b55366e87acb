package io.flotilla.chaos.workload;

import io.flotilla.chaos.checkers.Validity;
import io.flotilla.chaos.history.History;
import io.flotilla.chaos.linearizability.CheckOptions;
import io.flotilla.chaos.linearizability.CheckResult;
import io.flotilla.chaos.linearizability.HtmlReport;
import io.flotilla.chaos.linearizability.LinearizabilityChecker;
import io.flotilla.chaos.linearizability.Model;
import java.time.Duration;
import java.util.Optional;

/** The linearizability check shared by the register and append workloads. */
final class Linearizable {
  private static final Duration TIME_LIMIT = Duration.ofMinutes(2);

  private Linearizable() {}

  static Check check(String title, History history, Model<?> model) {
    CheckResult r = LinearizabilityChecker.check(history, model,
        CheckOptions.DEFAULT.withTimeLimit(TIME_LIMIT));
    Validity validity = switch (r.verdict()) {
      case LINEARIZABLE -> Validity.VALID;
      case NOT_LINEARIZABLE -> Validity.INVALID;
      case UNKNOWN -> Validity.UNKNOWN;
    };
    String summary = r.verdict() + " (" + r.operations() + " operations, " + r.partitions()
        + " keys, checked in " + r.elapsed().toMillis() + " ms"
        + r.unknownReason().map(u -> "; " + u).orElse("") + ")";
    Optional<String> html = validity == Validity.INVALID
        ? Optional.of(HtmlReport.render(title, history.operations(), r, model))
        : Optional.empty();
    return new Check("linearizable", validity, summary, html);
  }
}
