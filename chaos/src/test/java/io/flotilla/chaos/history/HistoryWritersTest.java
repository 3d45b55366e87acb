package io.flotilla.chaos.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class HistoryWritersTest {

  private static final History HISTORY = History.of(List.of(
      new Event(0, EventType.INVOKE, "cas", "k", List.of(1L, 2L), 10),
      new Event(1, EventType.INVOKE, "write", null, "a \"b\"\n", 11),
      new Event(0, EventType.FAIL, "cas", "k", List.of(1L, 2L), 20),
      new Event(1, EventType.OK, "write", null, "a \"b\"\n", 21),
      new Event(2, EventType.INVOKE, "read", null, null, 30),
      new Event(2, EventType.OK, "read", null, true, 31),
      new Event(3, EventType.INVOKE, "add", 5L, 2.5, 40)));

  private static String write(HistoryWriter writer, History history) throws IOException {
    StringWriter out = new StringWriter();
    writer.write(history, out);
    return out.toString();
  }

  private static History read(HistoryReader reader, String text) throws IOException {
    return reader.read(new BufferedReader(new StringReader(text)), "written");
  }

  @Test
  void ednRoundTrips() throws IOException {
    String text = write(new EdnHistoryWriter(), HISTORY);

    assertThat(text.lines().findFirst().orElseThrow())
        .isEqualTo("{:process 0, :type :invoke, :f :cas, :key \"k\", :value [1 2], :time 10}");
    assertThat(read(new EdnHistoryReader(), text)).isEqualTo(HISTORY);
  }

  @Test
  void jsonLinesRoundTrip() throws IOException {
    String text = write(new JsonLinesHistoryWriter(), HISTORY);

    assertThat(text.lines().findFirst().orElseThrow()).isEqualTo(
        "{\"process\":0,\"type\":\"invoke\",\"f\":\"cas\",\"key\":\"k\",\"value\":[1,2],\"time\":10}");
    assertThat(read(new JsonLinesHistoryReader(), text)).isEqualTo(HISTORY);
  }

  @Test
  void jsonHasNoKeywordsSoTheirNamesAreWritten() throws IOException {
    History withKeyword = History.of(List.of(
        new Event(0, EventType.INVOKE, "read", null, null, 0),
        new Event(0, EventType.INFO, "read", null, new Keyword("timed-out"), 1)));

    assertThat(write(new JsonLinesHistoryWriter(), withKeyword)).contains("\"value\":\"timed-out\"");
    assertThat(write(new EdnHistoryWriter(), withKeyword)).contains(":value :timed-out");
  }
}
