package io.flotilla.chaos.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every history reader, fed random text and mutations of the test histories (as strings, and
 * as files of mutated bytes), either reads a history or throws its {@link HistoryParseException}
 * naming the source and a line of the input; never another exception, never a hang.
 *
 * <p>Seeded and bounded. A failure names the seed and iteration; rerun one iteration with
 * {@code -Dfuzz.seed=S -Dfuzz.iteration=I}.
 */
class HistoryReaderFuzzTest {
  private static final long SEED = Long.getLong("fuzz.seed", 20_240_611L);
  private static final Integer ONLY = Integer.getInteger("fuzz.iteration");
  private static final int ITERATIONS = 3_000;
  /**
   * A guard against a reader that never returns, not a speed check: every input together takes
   * a small fraction of it on a loaded machine, and only a reader looping forever reaches it.
   */
  private static final Duration HANG = Duration.ofMinutes(5);
  private static final Path RESOURCES = Path.of("src/test/resources/linearizability");
  /** Pieces of the three formats, so that mutations make near-misses, not only noise. */
  private static final String[] TOKENS = {
      "{", "}", "[", "]", "(", ")", "#{", "\"", "\\", "\\u", "\\u12", ":", ",", " ", "\t",
      "\n", ";", "nil", "-", "+", "1e999", "-0", "9223372036854775808", "1.5M", "7N", "0x1F",
      ":invoke", ":ok", ":fail", ":info", ":process", ":type", ":f", ":key", ":value",
      ":time", "\"process\":", "\"type\":", "\"time\":", "null", "true", "NaN", "1e400",
      "INFO  jepsen.util - ", ":nemesis", ":timed-out", "\u2028", "\u0085", "\uD800", "\u0000",
      "\uFEFF"};

  private static final Map<HistoryFormat, List<String>> SEEDS = new EnumMap<>(HistoryFormat.class);

  @TempDir static Path dir;

  @BeforeAll
  static void loadSeeds() throws IOException {
    List<String> logs = new ArrayList<>();
    for (String name : List.of("etcd_000.log", "etcd_007.log", "etcd_021.log")) {
      logs.add(head(Files.readString(RESOURCES.resolve("jepsen-etcd").resolve(name)), 60));
    }
    List<String> edn = new ArrayList<>();
    List<String> jsonl = new ArrayList<>();
    for (String name : List.of("c01-ok.txt", "c10-bad.txt")) {
      String text = head(Files.readString(RESOURCES.resolve("kv").resolve(name)), 60);
      edn.add(text);
      jsonl.add(write(new JsonLinesHistoryWriter(), HistoryFormat.EDN.reader()
          .read(new BufferedReader(new StringReader(text)), name)));
    }
    // Values of every kind the writers produce, and the readers' own examples.
    History mixed = new JepsenLogReader().read(new BufferedReader(new StringReader(logs.get(0))),
        "etcd_000.log");
    edn.add(write(new EdnHistoryWriter(), mixed));
    jsonl.add(write(new JsonLinesHistoryWriter(), mixed));
    SEEDS.put(HistoryFormat.EDN, edn);
    SEEDS.put(HistoryFormat.JEPSEN_LOG, logs);
    SEEDS.put(HistoryFormat.JSONL, jsonl);
  }

  private static String head(String text, int lines) {
    return String.join("\n", text.lines().limit(lines).toList()) + "\n";
  }

  private static String write(HistoryWriter writer, History history) throws IOException {
    StringWriter out = new StringWriter();
    writer.write(history, out);
    return out.toString();
  }

  @Test
  void everyReaderEitherReadsOrNamesTheBadLine() {
    List<String> failures = new ArrayList<>();
    int[] outcomes = new int[2];
    assertTimeoutPreemptively(HANG, () -> {
      for (int i = 0; i < ITERATIONS; i++) {
        if (ONLY == null || ONLY == i) {
          String failure = iteration(i, outcomes);
          if (failure != null) {
            failures.add("seed " + SEED + ", iteration " + i + ": " + failure);
          }
        }
      }
    }, () -> "a reader hung; rerun with -Dfuzz.seed=" + SEED + " and -Dfuzz.iteration=I, for I "
        + "from the last iteration printed");
    System.out.printf("history fuzz, seed %d: %d read, %d refused with a line, %d failures%n",
        SEED, outcomes[0], outcomes[1], failures.size());
    failures.forEach(System.out::println);
    assertThat(failures).as("%d failures (all printed), the first: %s; rerun one with "
        + "-Dfuzz.seed=S -Dfuzz.iteration=I", failures.size(),
        failures.stream().limit(3).toList()).isEmpty();
  }

  /** One input to one reader: null when it behaved, else what went wrong. */
  private static String iteration(int i, int[] outcomes) throws IOException {
    SplittableRandom random = new SplittableRandom(SEED * 1_000_003L + i);
    HistoryFormat format = HistoryFormat.values()[random.nextInt(HistoryFormat.values().length)];
    List<String> seeds = SEEDS.get(format);
    String text = random.nextInt(10) == 0
        ? noise(random)
        : mutate(seeds.get(random.nextInt(seeds.size())), random);
    boolean asFile = random.nextInt(4) == 0;
    Path file = dir.resolve("fuzz-" + i);
    String source = asFile ? file.toString() : "fuzz";
    try {
      if (asFile) {
        Files.write(file, bytesOf(text, random));
        format.reader().read(file);
      } else {
        format.reader().read(new BufferedReader(new StringReader(text)), source);
      }
      outcomes[0]++;
    } catch (HistoryParseException e) {
      var m = Pattern.compile(Pattern.quote(source) + ":(\\d+): .+", Pattern.DOTALL)
          .matcher(e.getMessage());
      if (!m.matches() || Integer.parseInt(m.group(1)) < 1
          || Integer.parseInt(m.group(1)) != e.line()) {
        return describe(format, asFile, text, "a parse error that names no line: "
            + e.getMessage());
      }
      outcomes[1]++;
    } catch (Throwable t) {
      return describe(format, asFile, text, t.toString());
    } finally {
      Files.deleteIfExists(file);
    }
    return null;
  }

  private static String describe(HistoryFormat format, boolean asFile, String text, String what) {
    String shown = text.length() > 300 ? text.substring(0, 300) + "..." : text;
    return format.formatName() + (asFile ? " (file)" : "") + ": " + what + "\n  input: "
        + shown.replace("\n", "\\n");
  }

  /** The text's UTF-8, now and then with bytes that are not UTF-8. */
  private static byte[] bytesOf(String text, SplittableRandom random) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > 0 && random.nextBoolean()) {
      bytes[random.nextInt(bytes.length)] = (byte) (0x80 | random.nextInt(0x80));
    }
    return bytes;
  }

  private static String noise(SplittableRandom random) {
    StringBuilder b = new StringBuilder();
    int n = random.nextInt(200);
    while (b.length() < n) {
      b.append(random.nextBoolean() ? TOKENS[random.nextInt(TOKENS.length)]
          : String.valueOf((char) random.nextInt(0x80)));
    }
    return b.toString();
  }

  static String mutate(String seed, SplittableRandom random) {
    StringBuilder b = new StringBuilder(seed);
    int mutations = 1 + random.nextInt(4);
    for (int m = 0; m < mutations; m++) {
      int at = b.length() == 0 ? 0 : random.nextInt(b.length());
      int span = Math.min(b.length() - at, 1 + random.nextInt(12));
      switch (random.nextInt(7)) {
        case 0 -> {
          if (b.length() == 0) {
            b.append((char) random.nextInt(0x250));
          } else {
            b.setCharAt(at, (char) random.nextInt(0x250));
          }
        }
        case 1 -> b.insert(at, TOKENS[random.nextInt(TOKENS.length)]);
        case 2 -> b.delete(at, at + span);
        case 3 -> b.insert(random.nextInt(b.length() + 1), b.substring(at, at + span));
        case 4 -> b.insert(at, b.substring(at, at + Math.min(span, 2))
            .repeat(1 + random.nextInt(20_000)));
        case 5 -> b.setLength(at);
        default -> {
          List<String> lines = new ArrayList<>(b.toString().lines().toList());
          if (lines.size() > 1) {
            int a = random.nextInt(lines.size());
            int c = random.nextInt(lines.size());
            String t = lines.get(a);
            lines.set(a, lines.get(c));
            lines.set(c, t);
            b = new StringBuilder(String.join("\n", lines));
          }
        }
      }
    }
    return b.toString();
  }
}
