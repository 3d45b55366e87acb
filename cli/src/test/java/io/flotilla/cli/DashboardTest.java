package io.flotilla.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * {@code flotilla dashboard} as an operator meets it: its own process, polling a real fleet of
 * three agent-node processes through a kill -9 of the leader and its restart, its page open in
 * a real browser (Debian's headless Chromium,
 * driven through its chromedriver by Selenium). {@code scripts/docker-engine.sh} installs
 * Chromium; where it is missing the test is skipped, except under {@code CI=true}, where it fails.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  /** Where the test leaves its screenshot; README's picture of the page is one of them. */
  private static final Path SCREENSHOT = Path.of("target", "dashboard.png");
  @TempDir static Path dir;
  private ProcessFleet fleet;

  @BeforeAll
  void up() throws Exception {
    fleet = ProcessFleet.up(dir, 3, "lan");
    assertThat(fleet.awaitLeader(WAIT)).isPresent();
  }

  @AfterAll
  void down() throws Exception {
    fleet.down(Duration.ofSeconds(10));
  }

  @Test
  void thePageShowsTheLeaderThenAfterItsKillTheNewLeaderAndTheDeadMemberStale() throws Exception {
    assumeBrowser();
    int closed = freePort();
    String unreachable = "127.0.0.1:" + closed;
    Process dashboard = startDashboard(fleet.endpoints() + "," + unreachable);
    WebDriver browser = null;
    try {
      String url = awaitUrl(dashboard);
      browser = browser();
      browser.get(url);
      WebDriver page = browser;
      String leader = fleet.awaitLeader(WAIT).orElseThrow();
      await().atMost(WAIT).until(() -> text(page, "[data-leader='fleet']").equals(leader));
      assertThat(count(page, "[data-group='fleet'] tr[data-member]")).isEqualTo(3);
      assertThat(attribute(page, "[data-endpoint='" + unreachable + "']", "data-state"))
          .as("an endpoint nobody answers on is shown, not an error page").isEqualTo("unreachable");
      assertThat(text(page, "[data-endpoint='" + unreachable + "']")).endsWith("Connection refused");

      long killed = System.nanoTime();
      fleet.kill(fleet.agent(leader));
      await().atMost(WAIT).until(() -> {
        String shown = text(page, "[data-leader='fleet']");
        return !shown.equals(leader) && !shown.equals("none")
            && attribute(page, "tr[data-member='" + leader + "']", "data-stale").equals("true");
      });
      System.out.printf("dashboard: new leader %s and %s stale on the page %d ms after kill -9%n",
          text(page, "[data-leader='fleet']"), leader,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed));
      assertThat(text(page, "tr[data-member='" + leader + "']")).contains("stale");
      byte[] png = ((ChromeDriver) browser).getScreenshotAs(OutputType.BYTES);
      Files.createDirectories(SCREENSHOT.getParent());
      Files.write(SCREENSHOT, png);
      assertThat(png).startsWith(0x89, 'P', 'N', 'G');
      assertThat(png.length).as("a page drawn, not a blank one").isGreaterThan(20_000);

      fleet.start(fleet.agent(leader));
      await().atMost(WAIT).until(() -> attribute(page, "tr[data-member='" + leader + "']",
          "data-stale").equals("false")
          && attribute(page, "[data-endpoint='" + fleet.agent(leader).api + "']", "data-state")
              .equals("up"));

      JsonNode api = new ObjectMapper().readTree(get(url + "api/fleet"));
      JsonNode group = api.get("groups").get(0);
      assertThat(group.get("leader").asText()).isEqualTo(text(page, "[data-leader='fleet']"));
      assertThat(group.get("members")).hasSize(3);
      assertThat(api.get("endpoints")).hasSize(4);

    } finally {
      if (browser != null) {
        browser.quit();
      }
      dashboard.destroy();
      assertThat(dashboard.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  @Timeout(60)
  void aListenAddressInUseIsOneLineAndExitTwo() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      CliRun run = CliRun.of("dashboard", "--endpoints", fleet.endpoints(),
          "--listen", "127.0.0.1:" + taken.getLocalPort());
      assertThat(run.exit()).as(run.toString()).isEqualTo(Flotilla.EXIT_USAGE);
      assertThat(run.err().strip()).startsWith("flotilla: cannot listen on 127.0.0.1:"
          + taken.getLocalPort() + ": ").doesNotContain("\n");
    }
    CliRun bad = CliRun.of("dashboard", "--endpoints", fleet.endpoints(), "--listen", "8080");
    assertThat(bad.exit()).isEqualTo(Flotilla.EXIT_USAGE);
    assertThat(bad.err().strip()).isEqualTo("flotilla: --listen '8080' is not host:port");
  }

  private static void assumeBrowser() {
    boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    if (!present) {
      assertThat("true".equalsIgnoreCase(System.getenv("CI")))
          .as("chromium and chromium-driver are installed under CI=true "
              + "(scripts/docker-engine.sh installs them)").isFalse();
      Assumptions.abort("no " + CHROMIUM + " or " + CHROMEDRIVER
          + ": install Debian's chromium and chromium-driver");
    }
  }

  private static WebDriver browser() {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--window-size=1280,520");
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
    return new ChromeDriver(service, options);
  }

  private Process startDashboard(String endpoints) throws IOException {
    List<String> cmd = List.of(ProcessHandle.current().info().command().orElse("java"),
        "-cp", System.getProperty("java.class.path"), Flotilla.class.getName(), "dashboard",
        "--endpoints", endpoints, "--listen", "127.0.0.1:0", "--interval", "500ms",
        "--timeout", "2s");
    return new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.PIPE).start();
  }

  /** The page's address, from the line the command prints when it serves. */
  private static String awaitUrl(Process p) throws IOException {
    Pattern serving = Pattern.compile("Dashboard: (http://\\S+/) ");
    BufferedReader out = new BufferedReader(
        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    for (String line; (line = out.readLine()) != null; ) {
      seen.append(line).append('\n');
      Matcher m = serving.matcher(line);
      if (m.find()) {
        Thread drain = new Thread(() -> out.lines().forEach(l -> { }), "dashboard-output");
        drain.setDaemon(true);
        drain.start();
        return m.group(1);
      }
    }
    throw new AssertionError("the dashboard ended before serving:\n" + seen);
  }

  /** Read in one script: the page redraws on every poll, so an element found may be gone. */
  private static String text(WebDriver page, String css) {
    return (String) ((JavascriptExecutor) page).executeScript(
        "const e = document.querySelector(arguments[0]); return e ? e.textContent.trim() : '';",
        css);
  }

  private static String attribute(WebDriver page, String css, String name) {
    return (String) ((JavascriptExecutor) page).executeScript(
        "const e = document.querySelector(arguments[0]);"
            + " return e && e.getAttribute(arguments[1]) !== null ? e.getAttribute(arguments[1]) : '';",
        css, name);
  }

  private static long count(WebDriver page, String css) {
    return (Long) ((JavascriptExecutor) page).executeScript(
        "return document.querySelectorAll(arguments[0]).length;", css);
  }

  private static String get(String url) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
