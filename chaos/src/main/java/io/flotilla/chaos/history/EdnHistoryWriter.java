package io.flotilla.chaos.history;

import java.io.IOException;
import java.io.Writer;

/**
 * Writes histories as {@link EdnHistoryReader} reads them: {@code {:process 0, :type :ok, :f
 * :write, :key "x", :value 3, :time 1200}}, leaving out {@code :key} when it is {@code nil}.
 */
public final class EdnHistoryWriter implements HistoryWriter {

  @Override
  public void write(History history, Writer out) throws IOException {
    StringBuilder line = new StringBuilder(96);
    for (Event event : history.events()) {
      line.setLength(0);
      line.append("{:process ").append(event.process())
          .append(", :type :").append(event.type().formatName())
          .append(", :f :").append(event.function());
      if (event.key() != null) {
        line.append(", :key ").append(Edn.write(event.key()));
      }
      line.append(", :value ").append(Edn.write(event.value()))
          .append(", :time ").append(event.time())
          .append("}\n");
      out.write(line.toString());
    }
    out.flush();
  }
}
