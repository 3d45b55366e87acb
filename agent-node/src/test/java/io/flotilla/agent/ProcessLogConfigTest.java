package io.flotilla.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The agent process's logging, {@code src/process/logback.xml}, read as the file it is. */
class ProcessLogConfigTest {
  @Test
  void messagesAClientCutShortAreAnsweredNotLogged() throws Exception {
    NodeList loggers = DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(Path.of("src/process/logback.xml").toFile()).getElementsByTagName("logger");
    Map<String, String> levels = new HashMap<>();
    for (int i = 0; i < loggers.getLength(); i++) {
      Element logger = (Element) loggers.item(i);
      levels.put(logger.getAttribute("name"), logger.getAttribute("level"));
    }
    assertThat(levels).containsEntry("io.grpc.netty.shaded.io.grpc.netty.NettyServerStream", "ERROR");
  }
}
