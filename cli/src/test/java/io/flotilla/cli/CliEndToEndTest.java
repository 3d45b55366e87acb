package io.flotilla.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI's code path against three real agent-node processes: every command's JSON output,
 * its exit codes, and the fleet's behaviour under kill -9 and membership changes. The tests
 * share one fleet and run in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  @TempDir static Path dir;
  private ProcessFleet fleet;
  private final List<String> acknowledged = new ArrayList<>();

  @BeforeAll
  void up() throws Exception {
    fleet = ProcessFleet.up(dir, 3, "lan");
    assertThat(fleet.awaitLeader(WAIT)).isPresent();
  }

  @AfterAll
  void down() throws Exception {
    fleet.down(Duration.ofSeconds(10));
  }

  private CliRun cli(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--endpoints", fleet.endpoints(), "--timeout", "10s"));
    return CliRun.of(all.toArray(String[]::new));
  }

  @Test
  @Order(1)
  void putGetAndDelSpeakJson() {
    CliRun put = cli("put", "mission/plan", "survey north field", "-o", "json");
    assertThat(put.exit()).as(put.toString()).isZero();
    long revision = put.json().get("revision").asLong();
    acknowledged.add("mission/plan");

    CliRun get = cli("get", "mission/plan", "-o", "json");
    assertThat(get.exit()).as(get.toString()).isZero();
    JsonNode kv = get.json().get("kvs").get(0);
    assertThat(kv.get("value").asText()).isEqualTo("survey north field");
    assertThat(kv.get("mod_revision").asLong()).isEqualTo(revision);

    assertThat(cli("put", "scratch", "x").exit()).isZero();
    CliRun del = cli("del", "scratch", "-o", "json");
    assertThat(del.json().get("deleted").asInt()).isEqualTo(1);
    CliRun gone = cli("get", "scratch");
    assertThat(gone.exit()).isEqualTo(Flotilla.EXIT_REFUSED);
    assertThat(gone.err().strip()).isEqualTo("flotilla: key scratch not found");
  }

  @Test
  @Order(2)
  void txnReportsWhetherItsComparesHeldThroughTheExitCode() {
    CliRun first = cli("txn", "--if", "version(claim/task-7) = 0", "--then", "put claim/task-7 drone-3",
        "-o", "json");
    assertThat(first.exit()).as(first.toString()).isZero();
    assertThat(first.json().get("succeeded").asBoolean()).isTrue();
    acknowledged.add("claim/task-7");

    CliRun second = cli("txn", "--if", "version(claim/task-7) = 0", "--then", "put claim/task-7 drone-4",
        "--else", "get claim/task-7", "-o", "json");
    assertThat(second.exit()).isEqualTo(Flotilla.EXIT_REFUSED);
    assertThat(second.json().get("succeeded").asBoolean()).isFalse();
    assertThat(second.json().get("responses").get(0).get("kvs").get(0).get("value").asText())
        .isEqualTo("drone-3");

    CliRun bad = cli("txn", "--if", "colour(x) = red");
    assertThat(bad.exit()).isEqualTo(Flotilla.EXIT_USAGE);
    assertThat(bad.err().strip().lines()).hasSize(1);
  }

  @Test
  @Order(3)
  void leasesAreGrantedListedAndRevoked() {
    CliRun grant = cli("lease", "grant", "30s", "-o", "json");
    assertThat(grant.exit()).as(grant.toString()).isZero();
    long id = grant.json().get("id").asLong();
    assertThat(cli("put", "presence/drone-7", "online", "--lease", "" + id).exit()).isZero();

    CliRun list = cli("lease", "list", "-o", "json");
    JsonNode lease = StreamSupport.stream(list.json().get("leases").spliterator(), false)
        .filter(l -> l.get("id").asLong() == id).findFirst().orElseThrow();
    assertThat(lease.get("keys").asInt()).isEqualTo(1);
    assertThat(lease.get("ttl_ms").asLong()).isEqualTo(30_000);
    // A lease the group numbered takes the index of its grant, its latest renewal so far.
    assertThat(lease.get("renewed_index").asLong()).isEqualTo(id);

    CliRun revoke = cli("lease", "revoke", "" + id, "-o", "json");
    assertThat(revoke.json().get("deleted_keys").asInt()).isEqualTo(1);
    assertThat(cli("get", "presence/drone-7").exit()).isEqualTo(Flotilla.EXIT_REFUSED);

    CliRun unknown = cli("lease", "revoke", "" + id);
    assertThat(unknown.exit()).isEqualTo(Flotilla.EXIT_REFUSED);
    assertThat(unknown.err().strip()).isEqualTo("flotilla: NOT_FOUND: lease " + id + " not found");
  }

  @Test
  @Order(4)
  void watchStreamsEventsAsJsonLines() throws Exception {
    CliRun first = cli("put", "telemetry/0", "alt=100", "-o", "json");
    assertThat(first.exit()).as(first.toString()).isZero();
    long from = first.json().get("revision").asLong();
    // From the first put's revision: the watch sees it however late it starts, and the later
    // puts whether they commit before or after it does.
    CompletableFuture<CliRun> watch = CompletableFuture.supplyAsync(() ->
        cli("watch", "telemetry/", "--prefix", "--rev", "" + from, "--count", "3", "-o", "json"));
    for (int i = 1; i < 3; i++) {
      assertThat(cli("put", "telemetry/" + i, "alt=" + (100 + i)).exit()).isZero();
    }
    CliRun r = watch.get(30, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(r.exit()).as(r.toString()).isZero();
    ObjectMapper m = new ObjectMapper();
    List<String> keys = new ArrayList<>();
    for (String line : r.out().strip().split("\n")) {
      keys.add(m.readTree(line).get("key").asText());
    }
    assertThat(keys).containsExactly("telemetry/0", "telemetry/1", "telemetry/2");
  }

  @Test
  @Order(5)
  void statusMembersAndLeaderDescribeTheFleet() {
    CliRun status = cli("status", "-o", "json");
    assertThat(status.exit()).as(status.toString()).isZero();
    JsonNode nodes = status.json().get("nodes");
    assertThat(nodes).hasSize(3);
    long leaders = StreamSupport.stream(nodes.spliterator(), false)
        .filter(n -> n.get("groups").get(0).get("role").asText().equals("LEADER")).count();
    assertThat(leaders).isEqualTo(1);

    CliRun members = cli("members", "-o", "json");
    assertThat(members.json().get("members")).hasSize(3);

    CliRun leader = cli("leader", "-o", "json");
    assertThat(leader.json().get("leader").asText()).startsWith("agent-");

    CliRun table = cli("status");
    assertThat(table.out()).contains("ROLE", "LAG", "LAST CONTACT", "LEADER");
  }

  @Test
  @Order(6)
  void electHoldsARoleAndResigns() {
    CliRun elect = cli("elect", "mission-coordinator", "drone-7", "--for", "1s", "-o", "json");
    assertThat(elect.exit()).as(elect.toString()).isZero();
    assertThat(elect.json().get("elected").asBoolean()).isTrue();
    CliRun after = cli("get", "election/mission-coordinator/", "--prefix", "-o", "json");
    assertThat(after.json().get("kvs")).isEmpty();
  }

  @Test
  @Order(7)
  void nodeAdministrationCommandsAnswer() throws Exception {
    String leader = fleet.leader(Duration.ofSeconds(2)).orElseThrow();
    ProcessFleet.Agent follower = fleet.agents().stream().filter(a -> !a.id.equals(leader))
        .findFirst().orElseThrow();

    CliRun snap = CliRun.of("snapshot", "create", "--endpoints", follower.api, "-o", "json");
    assertThat(snap.exit()).as(snap.toString()).isZero();
    assertThat(snap.json().get("result").asText()).startsWith("snapshot at index");

    CliRun pause = CliRun.of("election", "pause", "--endpoints", follower.api, "-o", "json");
    assertThat(pause.json().get("result").asText()).isEqualTo("elections paused");
    CliRun resume = CliRun.of("election", "resume", "--endpoints", follower.api, "-o", "json");
    assertThat(resume.json().get("result").asText()).isEqualTo("elections resumed");

    CliRun move = cli("move-leader", follower.id, "-o", "json");
    assertThat(move.exit()).as(move.toString()).isZero();
    await().atMost(WAIT).until(() -> fleet.leader(Duration.ofSeconds(1)).orElse("").equals(follower.id));
  }

  @Test
  @Order(8)
  void afterKillMinus9OfTheLeaderEveryAcknowledgedWriteIsReadableAndTheAgentCatchesUp()
      throws Exception {
    for (int i = 0; i < 20; i++) {
      assertThat(cli("put", "acked/" + i, "v" + i).exit()).isZero();
      acknowledged.add("acked/" + i);
    }
    String leader = fleet.leader(Duration.ofSeconds(2)).orElseThrow();
    fleet.kill(fleet.agent(leader));
    String next = fleet.awaitLeader(WAIT).orElseThrow();
    assertThat(next).isNotEqualTo(leader);

    for (String key : acknowledged) {
      assertThat(cli("get", key).exit()).as(key).isZero();
    }

    fleet.start(fleet.agent(leader));
    long committed = ProcessFleet.status(fleet.agent(next), Duration.ofSeconds(5)).orElseThrow()
        .getGroups(0).getCommitIndex();
    await().atMost(WAIT).until(() -> ProcessFleet.status(fleet.agent(leader), Duration.ofSeconds(1))
        .map(s -> s.getGroups(0).getAppliedIndex() >= committed).orElse(false));
  }

  @Test
  @Order(9)
  void aFourthAgentJoinsAsAListenerIsPromotedAndAnotherIsRemoved() throws Exception {
    ProcessFleet.Agent fourth = fleet.join("agent-4", "lan");
    await().atMost(WAIT).until(() -> ProcessFleet.status(fourth, Duration.ofSeconds(1)).isPresent());

    CliRun add = cli("member", "add", "agent-4", fourth.raft, "--listener", "-o", "json");
    assertThat(add.exit()).as(add.toString()).isZero();
    assertThat(roles(add.json())).contains("agent-4=listener");

    CliRun promote = cli("member", "promote", "agent-4", "-o", "json");
    assertThat(promote.exit()).as(promote.toString()).isZero();
    assertThat(roles(promote.json())).contains("agent-4=voter");

    String leader = fleet.leader(Duration.ofSeconds(2)).orElseThrow();
    String victim = fleet.agents().stream().map(a -> a.id)
        .filter(id -> !id.equals(leader) && !id.equals("agent-4")).findFirst().orElseThrow();
    CliRun remove = cli("member", "remove", victim, "-o", "json");
    assertThat(remove.exit()).as(remove.toString()).isZero();
    assertThat(roles(remove.json())).hasSize(3).noneMatch(r -> r.startsWith(victim + "="));
    CliRun after = cli("put", "after/membership", "ok");
    assertThat(after.exit()).as(after.toString()).isZero();
  }

  @Test
  @Order(10)
  void unreachableEndpointsAndBadFlagsGiveOneLine() {
    CliRun unreachable = CliRun.of("get", "x", "--endpoints", "127.0.0.1:1", "--timeout", "2s");
    assertThat(unreachable.exit()).isEqualTo(Flotilla.EXIT_REFUSED);
    assertThat(unreachable.err().strip().lines()).hasSize(1);
    assertThat(unreachable.err()).startsWith("flotilla: cannot reach any endpoint [127.0.0.1:1]");

    CliRun emptyKey = cli("put", "", "x");
    assertThat(emptyKey.exit()).isEqualTo(Flotilla.EXIT_USAGE);
    assertThat(emptyKey.err().strip()).isEqualTo("flotilla: INVALID_ARGUMENT: key must not be empty");

    CliRun badTimeout = CliRun.of("get", "x", "--timeout", "soon");
    assertThat(badTimeout.exit()).isEqualTo(Flotilla.EXIT_USAGE);
    assertThat(badTimeout.err().strip().lines()).hasSize(1);

    CliRun badEndpoint = CliRun.of("get", "x", "--endpoints", "nowhere");
    assertThat(badEndpoint.exit()).isEqualTo(Flotilla.EXIT_USAGE);
    assertThat(badEndpoint.err().strip()).isEqualTo("flotilla: endpoint 'nowhere' is not host:port");
  }

  @Test
  @Order(11)
  void versionAndCompletionWork() {
    CliRun version = CliRun.of("--version");
    assertThat(version.exit()).isZero();
    assertThat(version.out()).startsWith("flotilla ");
    CliRun bash = CliRun.of("completion", "bash");
    assertThat(bash.exit()).isZero();
    assertThat(bash.out()).contains("complete -F").contains("flotilla");
    assertThat(CliRun.of("completion", "fish").exit()).isEqualTo(Flotilla.EXIT_USAGE);
  }

  @Test
  @Order(12)
  void sigtermOnTheLeaderHandsLeadershipToAnotherVoterFirst() throws Exception {
    String leader = fleet.leader(Duration.ofSeconds(2)).orElseThrow();
    ProcessHandle p = fleet.agent(leader).process().orElseThrow();
    p.destroy(); // SIGTERM
    p.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);

    String log = java.nio.file.Files.readString(Path.of(fleet.agent(leader).log));
    assertThat(log).contains("group fleet: handing leadership to agent-");
    String next = fleet.awaitLeader(WAIT).orElseThrow();
    assertThat(next).isNotEqualTo(leader);
    assertThat(cli("put", "after/sigterm", "ok").exit()).isZero();
  }

  private static List<String> roles(JsonNode members) {
    List<String> out = new ArrayList<>();
    members.get("members").forEach(m -> out.add(m.get("id").asText() + "=" + m.get("role").asText()));
    return out;
  }
}
