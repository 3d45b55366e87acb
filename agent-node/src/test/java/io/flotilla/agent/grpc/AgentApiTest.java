package io.flotilla.agent.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.flotilla.agent.InProcessAgents;
import io.flotilla.agent.RawBytes;
import io.flotilla.agent.api.CampaignCall;
import io.flotilla.agent.api.ClusterGrpc;
import io.flotilla.agent.api.ElectionGrpc;
import io.flotilla.agent.api.KVGrpc;
import io.flotilla.agent.api.LeaseGrpc;
import io.flotilla.agent.api.PutCall;
import io.flotilla.agent.api.RangeCall;
import io.flotilla.agent.api.StatusCall;
import io.flotilla.agent.api.StatusGrpc;
import io.flotilla.agent.api.WatchCall;
import io.flotilla.agent.api.WatchCreate;
import io.flotilla.agent.api.WatchGrpc;
import io.flotilla.agent.api.WatchReply;
import io.flotilla.agent.api.LeaseCall;
import io.flotilla.agent.api.LeaseGrantCall;
import io.flotilla.agent.api.MemberCall;
import io.flotilla.consensus.proto.PutRequest;
import io.flotilla.consensus.proto.RangeRequest;
import io.grpc.CallOptions;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The agent API on three agent nodes in this JVM, as a client sees it. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentApiTest {
  @TempDir static Path dir;
  private InProcessAgents fleet;

  @BeforeAll
  void start() throws Exception {
    fleet = new InProcessAgents(dir, 3,
        "limits: {max-value-bytes: 1024, watch-history: 5}\n");
    await().atMost(Duration.ofSeconds(30)).until(() -> fleet.settledLeaderIndex() >= 0);
  }

  @AfterAll
  void stop() throws Exception {
    fleet.close();
  }

  private KVGrpc.KVBlockingStub kv(int node) {
    return KVGrpc.newBlockingStub(fleet.channel(node)).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private int follower() {
    return (fleet.leaderIndex() + 1) % 3;
  }

  private static PutCall put(String key, String value, long lease) {
    return PutCall.newBuilder().setPut(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(key))
        .setValue(ByteString.copyFromUtf8(value)).setLease(lease)).build();
  }

  private static void assertStatus(Runnable call, Status.Code code, String message) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
      assertThat(e.getStatus().getCode()).isEqualTo(code);
      assertThat(e.getStatus().getDescription()).contains(message);
    });
  }

  @Test
  void aWriteSentToAFollowerIsForwardedToTheLeader() {
    int f = follower();
    long revision = kv(f).put(put("plan", "from a follower", 0)).getRevision();

    var read = kv(fleet.leaderIndex()).range(RangeCall.newBuilder()
        .setRange(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("plan"))).build());
    assertThat(read.getKvs(0).getValue().toStringUtf8()).isEqualTo("from a follower");
    assertThat(read.getKvs(0).getModRevision()).isEqualTo(revision);
  }

  @Test
  void badRequestsGetTheDocumentedStatusCodes() {
    assertStatus(() -> kv(0).put(put("", "x", 0)), Status.Code.INVALID_ARGUMENT,
        "key must not be empty");
    assertStatus(() -> kv(0).put(put("big", "x".repeat(1025), 0)), Status.Code.INVALID_ARGUMENT,
        "value is 1025 bytes, over the limit of 1024");
    assertStatus(() -> kv(0).put(put("k", "v", 4242)), Status.Code.NOT_FOUND, "lease 4242 not found");
    assertStatus(() -> LeaseGrpc.newBlockingStub(fleet.channel(0)).revoke(
        LeaseCall.newBuilder().setId(4242).build()), Status.Code.NOT_FOUND, "lease 4242 not found");
    assertStatus(() -> kv(0).put(put("k", "v", 0).toBuilder().setGroup("no-such-group").build()),
        Status.Code.NOT_FOUND, "no group named no-such-group");
  }

  @Test
  void movingTheLeadershipToNoMemberIsRefusedAtOnceAndTheLeaderStays() {
    int leader = fleet.leaderIndex();
    var cluster = ClusterGrpc.newBlockingStub(fleet.channel(0)).withDeadlineAfter(10, TimeUnit.SECONDS);
    // An empty id is what an empty request carries; Ratis would take it as "step down".
    assertStatus(() -> cluster.moveLeader(MemberCall.getDefaultInstance()), Status.Code.NOT_FOUND,
        "no member  in the group");
    assertStatus(() -> cluster.moveLeader(MemberCall.newBuilder().setId("n9").build()),
        Status.Code.NOT_FOUND, "no member n9 in the group");
    assertThat(fleet.leaderIndex()).isEqualTo(leader);
  }

  @Test
  void aCampaignWhoseCallerGoesAwayStopsWaitingAndWithdraws() throws Exception {
    var leases = LeaseGrpc.newBlockingStub(fleet.channel(0)).withDeadlineAfter(10, TimeUnit.SECONDS);
    LeaseGrantCall minute = LeaseGrantCall.newBuilder().setTtlMillis(60_000).build();
    CampaignCall campaign = CampaignCall.newBuilder().setName("abandoned").build();
    ElectionGrpc.newBlockingStub(fleet.channel(0)).withDeadlineAfter(10, TimeUnit.SECONDS)
        .campaign(campaign.toBuilder().setLease(leases.grant(minute).getId()).build());
    // The second candidate waits behind the first, with no deadline, then its caller leaves.
    var waiting = ElectionGrpc.newFutureStub(fleet.channel(1))
        .campaign(campaign.toBuilder().setLease(leases.grant(minute).getId()).build());
    RangeCall candidates = RangeCall.newBuilder().setRange(RangeRequest.newBuilder()
        .setKey(ByteString.copyFromUtf8("election/abandoned/")).setPrefix(true)).build();
    await().atMost(Duration.ofSeconds(10)).until(() -> kv(0).range(candidates).getKvsCount() == 2);
    waiting.cancel(true);

    await().atMost(Duration.ofSeconds(10)).until(() -> kv(0).range(candidates).getKvsCount() == 1);
  }

  @Test
  void aRequestThatIsNotProtobufIsRefusedAsInvalid() {
    MethodDescriptor<byte[], byte[]> put = RawBytes.of(KVGrpc.getPutMethod());
    byte[] garbage = {(byte) 0xff, 1, 2};
    assertStatus(() -> ClientCalls.blockingUnaryCall(fleet.channel(0), put,
            CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), garbage),
        Status.Code.INVALID_ARGUMENT, "malformed request: not a valid flotilla.api.v1.PutCall message");
    assertThat(kv(0).put(put("after-garbage", "x", 0)).getRevision()).isPositive();
  }

  @Test
  void aWatchFromACompactedRevisionIsCanceledWithOutOfRange() throws Exception {
    for (int i = 0; i < 20; i++) {
      kv(0).put(put("compact/" + i, "v", 0));
    }
    BlockingQueue<WatchReply> replies = new LinkedBlockingQueue<>();
    StreamObserver<WatchCall> calls = WatchGrpc.newStub(fleet.channel(1)).watch(new StreamObserver<>() {
      @Override
      public void onNext(WatchReply r) {
        replies.add(r);
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {}
    });
    calls.onNext(WatchCall.newBuilder().setCreate(WatchCreate.newBuilder()
        .setKey(ByteString.copyFromUtf8("compact/")).setPrefix(true).setStartRevision(1)).build());

    assertThat(replies.poll(10, TimeUnit.SECONDS).getCreated()).isTrue();
    WatchReply canceled = replies.poll(10, TimeUnit.SECONDS);
    assertThat(canceled.getCanceled()).isTrue();
    assertThat(canceled.getCancelCode()).isEqualTo(Status.Code.OUT_OF_RANGE.value());
    assertThat(canceled.getCancelReason()).contains("is compacted");
    calls.onCompleted();
  }

  @Test
  void theMetricsEndpointExposesRaftStateElectionsAndCommitLatency() throws Exception {
    kv(0).put(put("metrics/probe", "x", 0));
    int leader = fleet.leaderIndex();
    Map<String, Double> m = scrape(fleet.metricsPort(leader));

    for (String name : List.of("flotilla_term", "flotilla_commit_index", "flotilla_applied_index",
        "flotilla_is_leader", "flotilla_quorum_size", "flotilla_leader_changes_total",
        "flotilla_elections_started_total", "flotilla_elections_won_total",
        "flotilla_election_timeouts_total", "flotilla_snapshot_index",
        "flotilla_snapshot_size_bytes", "flotilla_snapshots_total")) {
      assertThat(m).as(name).containsKey(name + "{group=\"fleet\"}");
    }
    assertThat(m.get("flotilla_is_leader{group=\"fleet\"}")).isEqualTo(1.0);
    assertThat(m.get("flotilla_quorum_size{group=\"fleet\"}")).isEqualTo(2.0);
    assertThat(m.get("flotilla_elections_won_total{group=\"fleet\"}")).isGreaterThanOrEqualTo(1.0);
    assertThat(m.keySet()).anyMatch(k -> k.startsWith("flotilla_follower_lag{follower=\"n"));
    await().atMost(Duration.ofSeconds(10)).until(() ->
        scrape(fleet.metricsPort(0)).getOrDefault("flotilla_commit_latency_seconds_count{group=\"fleet\"}", 0.0) >= 1);
  }

  @Test
  void healthAndReadinessAnswerOverHttp() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    for (int i = 0; i < 3; i++) {
      int port = fleet.metricsPort(i);
      assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
      await().atMost(Duration.ofSeconds(10)).until(() -> http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
    }
  }

  @Test
  void statusReportsEveryFollowersMatchIndexOnTheLeader() {
    var s = StatusGrpc.newBlockingStub(fleet.channel(fleet.leaderIndex()))
        .status(StatusCall.getDefaultInstance());
    assertThat(s.getGroups(0).getRole()).isEqualTo("LEADER");
    assertThat(s.getGroups(0).getFollowersList()).hasSize(2)
        .allSatisfy(f -> assertThat(f.getMatchIndex()).isPositive());
    assertThat(s.getVersion()).isNotEmpty();
  }

  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*(\\{[^}]*\\})?) (\\S+)$");

  /** Prometheus text format: one sample a line, comments skipped. */
  static Map<String, Double> scrape(int port) throws Exception {
    String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    Map<String, Double> samples = new HashMap<>();
    for (String line : body.split("\n")) {
      Matcher m = SAMPLE.matcher(line);
      if (!line.startsWith("#") && m.matches()) {
        samples.put(m.group(1), Double.parseDouble(m.group(3)));
      }
    }
    return samples;
  }
}
