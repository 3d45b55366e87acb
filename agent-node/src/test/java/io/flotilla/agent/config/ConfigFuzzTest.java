package io.flotilla.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.flotilla.agent.trust.FleetCa;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The config loader, fed random bytes and mutations of the example in its own javadoc, either
 * builds a config or throws a {@link ConfigException} of one line; never another exception.
 *
 * <p>Seeded and bounded. A failure names the seed and iteration; rerun one iteration with
 * {@code -Dfuzz.seed=S -Dfuzz.iteration=I}.
 */
class ConfigFuzzTest {
  private static final long SEED = Long.getLong("fuzz.seed", 20_240_611L);
  private static final Integer ONLY = Integer.getInteger("fuzz.iteration");
  private static final int ITERATIONS = 3_000;
  private static final Path SOURCE = Path.of("src/main/java/io/flotilla/agent/config/ConfigLoader.java");
  /** YAML's own syntax, and values near the edges of what the loader takes. */
  private static final String[] TOKENS = {
      ":", ": ", "- ", "-", "{", "}", "[", "]", ",", "#", "\"", "'", "\\", "\\n", "\n", "\n  ",
      "\t", " ", "&a ", "*a", "!!str ", "!!int ", "!!binary ", "? ", "|", ">", "---", "...",
      "~", "null", "true", "no", "0", "-1", "0x7fffffff", "2147483648", "99999999999999999999",
      "1e999", ".nan", ".inf", "65536", "127.0.0.1:", ":7001", "[::1]:7001", "join: true",
      "role: listener", "priority: -5", "id: ''", "\"a\\nb\"", "\"\\0\"", "\"\\x85\"",
      "\"\\u2028\"", "\"\\r\"", "\u0000", "\u2028", "\uFEFF", "\uD800", "<<: *a",
      "%YAML 1.2\n"};

  @TempDir static Path dir;
  private static String example;

  @BeforeAll
  static void readTheDocumentedExample() throws IOException {
    Matcher pre = Pattern.compile("<pre>\\n(.*?)\\n \\* </pre>", Pattern.DOTALL)
        .matcher(Files.readString(SOURCE));
    assertThat(pre.find()).as("ConfigLoader's javadoc has an example").isTrue();
    // The example's TLS files and identity key, where it names them.
    Path certs = dir.resolve("certs");
    FleetCa.init(certs).issue("drone-7", List.of(), Duration.ofDays(1), certs);
    example = pre.group(1).lines().map(l -> l.replaceFirst("^ \\* ?", ""))
        .reduce("", (a, b) -> a + b + "\n")
        .replace("certs/", certs + "/");
  }

  @Test
  void theDocumentedExampleLoads() throws Exception {
    AgentConfig c = ConfigLoader.load(Files.writeString(dir.resolve("example.yaml"), example),
        Map.of(), Map.of());
    assertThat(c.id()).isEqualTo("drone-7");
    assertThat(c.joining()).containsExactly("council");
  }

  @Test
  void everyInputLoadsOrFailsWithOneLine() {
    List<String> failures = new ArrayList<>();
    int[] outcomes = new int[2];
    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
      for (int i = 0; i < ITERATIONS; i++) {
        if (ONLY == null || ONLY == i) {
          String failure = iteration(i, outcomes);
          if (failure != null) {
            failures.add("seed " + SEED + ", iteration " + i + ": " + failure);
          }
        }
      }
    });
    System.out.printf("config fuzz, seed %d: %d loaded, %d refused, %d failures%n", SEED,
        outcomes[0], outcomes[1], failures.size());
    failures.forEach(System.out::println);
    assertThat(failures).as("%d failures (all printed), the first: %s; rerun one with "
        + "-Dfuzz.seed=S -Dfuzz.iteration=I", failures.size(),
        failures.stream().limit(3).toList()).isEmpty();
  }

  /** One input: null when the loader behaved, else what went wrong. */
  private static String iteration(int i, int[] outcomes) throws IOException {
    SplittableRandom random = new SplittableRandom(SEED * 1_000_003L + i);
    byte[] input = random.nextInt(10) == 0 ? noise(random)
        : mutate(example, random).getBytes(StandardCharsets.UTF_8);
    if (random.nextInt(5) == 0 && input.length > 0) {
      input[random.nextInt(input.length)] = (byte) random.nextInt(256);
    }
    Path file = Files.write(dir.resolve("fuzz.yaml"), input);
    try {
      ConfigLoader.load(file, Map.of(), Map.of());
      outcomes[0]++;
      return null;
    } catch (ConfigException e) {
      outcomes[1]++;
      String m = e.getMessage();
      return m.startsWith("config: ") && m.lines().count() == 1 && !m.contains("\r")
          ? null : describe(input, "a message of more than one line: " + m);
    } catch (Throwable t) {
      return describe(input, t.toString());
    }
  }

  private static String describe(byte[] input, String what) {
    String text = new String(input, StandardCharsets.UTF_8);
    return what + "\n  input: " + (text.length() > 400 ? text.substring(0, 400) + "..." : text)
        .replace("\n", "\\n");
  }

  private static byte[] noise(SplittableRandom random) {
    StringBuilder b = new StringBuilder();
    int n = random.nextInt(300);
    while (b.length() < n) {
      b.append(random.nextBoolean() ? TOKENS[random.nextInt(TOKENS.length)]
          : String.valueOf((char) (0x20 + random.nextInt(0x60))));
    }
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String mutate(String seed, SplittableRandom random) {
    StringBuilder b = new StringBuilder(seed);
    int mutations = 1 + random.nextInt(3);
    for (int m = 0; m < mutations; m++) {
      int at = random.nextInt(b.length() + 1);
      int span = Math.min(b.length() - at, 1 + random.nextInt(16));
      switch (random.nextInt(7)) {
        case 0 -> b.replace(at, at + span, TOKENS[random.nextInt(TOKENS.length)]);
        case 1 -> b.insert(at, TOKENS[random.nextInt(TOKENS.length)]);
        case 2 -> b.delete(at, at + span);
        case 3 -> b.insert(random.nextInt(b.length() + 1), b.substring(at, at + span));
        case 4 -> b.insert(at, b.substring(at, at + Math.min(span, 3))
            .repeat(1 + random.nextInt(5_000)));
        case 5 -> {
          // A value replaced, which mostly keeps the document YAML and reaches the checks.
          Matcher value = Pattern.compile(": ([^\\n{}]+)").matcher(b);
          List<int[]> values = new ArrayList<>();
          while (value.find()) {
            values.add(new int[] {value.start(1), value.end(1)});
          }
          if (!values.isEmpty()) {
            int[] v = values.get(random.nextInt(values.size()));
            b.replace(v[0], v[1], TOKENS[random.nextInt(TOKENS.length)]);
          }
        }
        default -> {
          // A whole line moved elsewhere, which keeps it YAML but changes its nesting.
          List<String> lines = new ArrayList<>(b.toString().lines().toList());
          if (lines.size() > 1) {
            String line = lines.remove(random.nextInt(lines.size()));
            lines.add(random.nextInt(lines.size() + 1), line);
            b = new StringBuilder(String.join("\n", lines));
          }
        }
      }
    }
    return b.toString();
  }
}
