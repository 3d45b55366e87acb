package io.flotilla.chaos.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonLinesHistoryReaderTest {

  private static History read(String text) throws IOException {
    return new JsonLinesHistoryReader().read(new BufferedReader(new StringReader(text)),
        "h.jsonl");
  }

  @Test
  void readsEveryField() throws IOException {
    History history = read("""
        {"process":3,"type":"invoke","f":"cas","key":"x","value":[1,4],"time":100}
        {"process":3,"type":"ok","f":"cas","key":"x","value":[1,4],"time":250,"node":"n1"}
        """);

    assertThat(history.operations()).containsExactly(new Operation(0, 3, "cas", "x",
        List.of(1L, 4L), List.of(1L, 4L), Outcome.OK, 100, 250));
  }

  @Test
  void integerKeysAndMissingTimesAreAllowed() throws IOException {
    History history = read("""
        {"process":0,"type":"invoke","f":"read","key":7}
        {"process":0,"type":"ok","f":"read","key":7,"value":null}
        """);

    Operation op = history.operations().get(0);
    assertThat(op.key()).isEqualTo(7L);
    assertThat(op.invokeTime()).isEqualTo(0);
    assertThat(op.completeTime()).isEqualTo(1);
  }

  @Test
  void reportsTheLineOfMalformedJson() {
    assertThatThrownBy(() -> read("""
        {"process":0,"type":"invoke","f":"read"}
        {"process":0,"type":"ok","f":"read",
        """))
        .isInstanceOf(HistoryParseException.class)
        .hasMessageStartingWith("h.jsonl:2: bad JSON");
  }

  @Test
  void reportsAFieldOfTheWrongKind() {
    assertThatThrownBy(() -> read("{\"process\":\"zero\",\"type\":\"invoke\",\"f\":\"read\"}\n"))
        .hasMessage("h.jsonl:1: \"process\" must be a non-negative integer");
    assertThatThrownBy(() -> read("{\"process\":0,\"type\":\"begin\",\"f\":\"read\"}\n"))
        .hasMessageStartingWith("h.jsonl:1: unknown event type 'begin'");
    assertThatThrownBy(() -> read("[1, 2]\n"))
        .hasMessage("h.jsonl:1: expected a JSON object {...}");
  }
}
