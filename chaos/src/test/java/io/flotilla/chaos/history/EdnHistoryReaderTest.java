package io.flotilla.chaos.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

class EdnHistoryReaderTest {

  private static History read(String text) throws IOException {
    return new EdnHistoryReader().read(new BufferedReader(new StringReader(text)), "h.edn");
  }

  @Test
  void readsJepsenMapsWithIntegersNilAndVectors() throws IOException {
    History history = read("""
        {:process 0, :type :invoke, :f :cas, :value [1 4]}
        {:process 1, :type :invoke, :f :read, :value nil}

        {:process 1, :type :ok, :f :read, :value 1}
        {:process 0, :type :fail, :f :cas, :value [1 4]}
        """);

    assertThat(history.events()).hasSize(4);
    assertThat(history.operations()).containsExactly(
        new Operation(0, 0, "cas", null, List.of(1L, 4L), List.of(1L, 4L), Outcome.FAIL, 0, 3),
        new Operation(1, 1, "read", null, null, 1L, Outcome.OK, 1, 2));
  }

  @Test
  void readsTheKeyValueLinesOfKvHistories() throws IOException {
    History history = read("""
        {:process 0, :type :invoke, :f :append, :key "0", :value "x 0 0 y"}
        {:process 0, :type :ok, :f :append, :key "0", :value "x 0 0 y"}
        """);

    Operation op = history.operations().get(0);
    assertThat(op.key()).isEqualTo("0");
    assertThat(op.input()).isEqualTo("x 0 0 y");
  }

  @Test
  void usesTimesWhenEveryEventHasOne() throws IOException {
    History history = read("""
        {:process 0, :type :invoke, :f :write, :value 3, :time 1500}
        {:process 0, :type :ok, :f :write, :value 3, :time 2700, :index 1}
        """);

    assertThat(history.operations().get(0).invokeTime()).isEqualTo(1500);
    assertThat(history.operations().get(0).completeTime()).isEqualTo(2700);
  }

  @Test
  void skipsNemesisEvents() throws IOException {
    History history = read("""
        {:process :nemesis, :type :info, :f :start, :value nil}
        {:process 0, :type :invoke, :f :read, :value nil}
        """);

    assertThat(history.events()).hasSize(1);
  }

  @Test
  void keepsKeywordsStringsAndEscapes() throws IOException {
    History history = read("""
        {:process 0, :type :invoke, :f :write, :value "a \\"quoted\\" word"}
        {:process 0, :type :info, :f :write, :value :timed-out}
        """);

    assertThat(history.events().get(0).value()).isEqualTo("a \"quoted\" word");
    assertThat(history.events().get(1).value()).isEqualTo(new Keyword("timed-out"));
  }

  @Test
  void reportsTheLineOfAMalformedMap() {
    assertThatThrownBy(() -> read("""
        {:process 0, :type :invoke, :f :read, :value nil}
        {:process 0, :type :ok, :f :read, :value [1 2}
        """))
        .isInstanceOf(HistoryParseException.class)
        .hasMessageStartingWith("h.edn:2: bad EDN")
        .satisfies(e -> assertThat(((HistoryParseException) e).line()).isEqualTo(2));
  }

  @Test
  void reportsAMissingField() {
    assertThatThrownBy(() -> read("{:process 0, :f :read, :value nil}\n"))
        .hasMessage("h.edn:1: missing :type");
  }

  @Test
  void rejectsAnUnknownEventType() {
    assertThatThrownBy(() -> read("{:process 0, :type :done, :f :read}\n"))
        .hasMessageStartingWith("h.edn:1: unknown event type 'done'");
  }

  @Test
  void rejectsTimesOnSomeEventsButNotOthers() {
    assertThatThrownBy(() -> read("""
        {:process 0, :type :invoke, :f :read, :time 5}
        {:process 0, :type :ok, :f :read, :value 1}
        """))
        .hasMessage("h.edn:2: has no time but the events before it do");
  }

  @Test
  void reportsPairingErrorsWithTheirLine() {
    assertThatThrownBy(() -> read("""
        {:process 0, :type :invoke, :f :read}

        {:process 0, :type :ok, :f :write, :value 1}
        """))
        .hasMessage("h.edn:3: process 0 completes write but invoked read");
  }

  @Test
  void rejectsValuesNestedTooDeeplyInsteadOfOverflowingTheStack() {
    assertThatThrownBy(() -> read("{:process 0, :type :invoke, :f :read, :value "
        + "[".repeat(50_000) + "}\n"))
        .isInstanceOf(HistoryParseException.class)
        .hasMessageStartingWith("h.edn:1: bad EDN at column ")
        .hasMessageEndingWith("nested deeper than 100 levels");
  }
}
