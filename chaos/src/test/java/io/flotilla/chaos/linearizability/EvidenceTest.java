package io.flotilla.chaos.linearizability;

import static io.flotilla.chaos.TestHistories.history;
import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.chaos.history.History;
import io.flotilla.chaos.history.Operation;
import org.junit.jupiter.api.Test;

class EvidenceTest {

  private final History staleRead = history()
      .ok(0, "write", 1, 1, 0, 10)
      .ok(1, "write", 2, 2, 20, 30)
      .ok(2, "read", null, 1, 40, 50)
      .build();

  @Test
  void namesTheOperationThatCouldNotBePlacedAfterTheLongestPrefix() {
    Evidence evidence = LinearizabilityChecker.check(staleRead, Models.casRegister())
        .evidence().orElseThrow();

    assertThat(evidence.longestPrefix()).extracting(Operation::input).containsExactly(1L, 2L);
    assertThat(evidence.blocked().function()).isEqualTo("read");
    assertThat(evidence.partition()).hasSize(3);
  }

  @Test
  void theHtmlReportIsSelfContainedAndMarksThePrefixAndTheBlockedOperation() {
    CheckResult result = LinearizabilityChecker.check(staleRead, Models.casRegister());

    String html = HtmlReport.render("stale.edn", staleRead.operations(), result,
        Models.casRegister());

    assertThat(html).startsWith("<!DOCTYPE html>").contains("Not linearizable")
        .contains("<svg").contains("class=\"op blocked\" data-op=\"2\"")
        .contains("class=\"op linearized\" data-op=\"0\"")
        .contains("read() -&gt; 1").contains("<td>2</td>");
    assertThat(html).doesNotContain("<link", "src=", "href=", "@import", "url(http");
  }

  @Test
  void theHtmlReportOfALinearizableHistoryShowsEveryOperation() {
    History ok = history().ok(0, "write", 1, 1, 0, 10).ok(1, "read", null, 1, 20, 30).build();
    CheckResult result = LinearizabilityChecker.check(ok, Models.casRegister());

    String html = HtmlReport.render("ok.edn", ok.operations(), result, Models.casRegister());

    assertThat(html).contains("Linearizable").contains("data-op=\"0\"").contains("data-op=\"1\"")
        .doesNotContain("op blocked");
  }
}
