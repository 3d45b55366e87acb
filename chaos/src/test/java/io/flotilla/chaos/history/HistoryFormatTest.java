package io.flotilla.chaos.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryFormatTest {

  @TempDir Path dir;

  private Path file(String name, String firstLine) throws IOException {
    return Files.writeString(dir.resolve(name), "\n" + firstLine + "\n");
  }

  @Test
  void guessesFromTheExtension() throws IOException {
    assertThat(HistoryFormat.guess(file("h.edn", "x"))).contains(HistoryFormat.EDN);
    assertThat(HistoryFormat.guess(file("etcd_001.log", "x"))).contains(HistoryFormat.JEPSEN_LOG);
    assertThat(HistoryFormat.guess(file("h.jsonl", "x"))).contains(HistoryFormat.JSONL);
  }

  @Test
  void otherwiseGuessesFromTheFirstLine() throws IOException {
    assertThat(HistoryFormat.guess(file("a.txt", "{:process 0, :type :invoke}")))
        .contains(HistoryFormat.EDN);
    assertThat(HistoryFormat.guess(file("b.txt", "{\"process\":0}")))
        .contains(HistoryFormat.JSONL);
    assertThat(HistoryFormat.guess(file("c.txt", "INFO  jepsen.util - 0\t:invoke\t:read\tnil")))
        .contains(HistoryFormat.JEPSEN_LOG);
    assertThat(HistoryFormat.guess(file("d.txt", "hello"))).isEmpty();
  }

  @Test
  void namesIncludeKvForTheEdnKeyValueLines() {
    assertThat(HistoryFormat.byName("kv")).isEqualTo(HistoryFormat.EDN);
    assertThat(HistoryFormat.byName("jepsen-log")).isEqualTo(HistoryFormat.JEPSEN_LOG);
    assertThatThrownBy(() -> HistoryFormat.byName("xml"))
        .hasMessageContaining("unknown format 'xml'");
  }

  @Test
  void aLineThatIsNotUtf8IsNamedLikeAnyOtherBadLine() throws IOException {
    Path file = dir.resolve("h.edn");
    byte[] bad = {'{', ':', 'f', ' ', '"', (byte) 0xc3, '(', '"', '}', '\n'};
    Files.write(file, "{:process 0, :type :invoke, :f :read}\r\n\n".getBytes(StandardCharsets.UTF_8));
    Files.write(file, bad, StandardOpenOption.APPEND);

    assertThatThrownBy(() -> HistoryFormat.EDN.reader().read(file))
        .isInstanceOf(HistoryParseException.class)
        .hasMessage(file + ":3: is not UTF-8 text");
    assertThat(HistoryFormat.guess(Files.write(dir.resolve("h.txt"), bad))).isEmpty();
  }
}
