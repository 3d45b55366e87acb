package io.flotilla.agent.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.flotilla.agent.InProcessAgents;
import io.flotilla.agent.RawBytes;
import io.flotilla.agent.api.ClusterGrpc;
import io.flotilla.agent.api.KVGrpc;
import io.flotilla.agent.api.MemberCall;
import io.flotilla.agent.api.PutCall;
import io.flotilla.agent.api.RangeCall;
import io.flotilla.agent.api.TxnCall;
import io.flotilla.consensus.proto.Compare;
import io.flotilla.consensus.proto.PutRequest;
import io.flotilla.consensus.proto.RangeRequest;
import io.flotilla.consensus.proto.RequestOp;
import io.flotilla.consensus.proto.TxnRequest;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.stub.ClientCalls;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Agents under mutual TLS with an access list, as strangers and clients of each role see them:
 * only holders of a certificate from the fleet CA get in, and each gets only what its rule says.
 */
class MutualTlsTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String ACCESS = """
      access:
        - {client: operator, role: admin}
        - {client: autopilot, role: write, prefix: mission/}
        - {client: dashboard, role: read}
      """;

  @TempDir Path dir;
  private InProcessAgents fleet;
  private final List<ManagedChannel> channels = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    channels.forEach(ManagedChannel::shutdownNow);
    if (fleet != null) {
      fleet.close();
    }
  }

  /** Certificates of the fleet CA for n1..n3 and the named clients; returns the CA's dir. */
  private Path fleetCa(String... clients) {
    Path certs = dir.resolve("certs");
    FleetCa ca = FleetCa.init(certs);
    for (String name : List.of("n1", "n2", "n3")) {
      ca.issue(name, List.of(), Duration.ofDays(1), certs);
    }
    for (String c : clients) {
      ca.issue(c, List.of(), Duration.ofDays(1), certs);
    }
    return certs;
  }

  private static String tls(Path certs) {
    return "tls: {ca: " + certs.resolve("ca.pem") + ", cert: " + certs.resolve("{id}.pem")
        + ", key: " + certs.resolve("{id}.key") + "}\n";
  }

  private ManagedChannel channel(int agent, Path ca, Path cert, Path key) {
    SslContextBuilder b = GrpcSslContexts.forClient().trustManager(ca.toFile());
    if (cert != null) {
      b.keyManager(cert.toFile(), key.toFile());
    }
    ManagedChannel c;
    try {
      c = NettyChannelBuilder.forAddress("127.0.0.1", fleet.apiPort(agent))
          .sslContext(b.build()).build();
    } catch (javax.net.ssl.SSLException e) {
      throw new IllegalStateException(e);
    }
    channels.add(c);
    return c;
  }

  private ManagedChannel client(Path certs, String name) {
    return channel(leader(), certs.resolve("ca.pem"), certs.resolve(name + ".pem"),
        certs.resolve(name + ".key"));
  }

  private int leader() {
    int[] leader = {-1};
    await().atMost(WAIT).until(() -> (leader[0] = fleet.settledLeaderIndex()) >= 0);
    return leader[0];
  }

  private static KVGrpc.KVBlockingStub kv(ManagedChannel c) {
    return KVGrpc.newBlockingStub(c).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private static PutCall put(String key) {
    return PutCall.newBuilder().setPut(PutRequest.newBuilder()
        .setKey(ByteString.copyFromUtf8(key)).setValue(ByteString.copyFromUtf8("v"))).build();
  }

  private static long get(ManagedChannel c, String key) {
    return kv(c).range(RangeCall.newBuilder().setRange(RangeRequest.newBuilder()
        .setKey(ByteString.copyFromUtf8(key))).build()).getKvsCount();
  }

  private static Status.Code code(Runnable call) {
    try {
      call.run();
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  private long metric(int agent, String line) throws Exception {
    String text = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
            "http://127.0.0.1:" + fleet.metricsPort(agent) + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(line) + " ([0-9.E]+)$").matcher(text);
    assertThat(m.find()).as(line + " in\n" + text).isTrue();
    return (long) Double.parseDouble(m.group(1));
  }

  @Test
  void onlyClientsWithACertificateFromTheFleetCaGetIn() throws Exception {
    Path certs = fleetCa("operator");
    fleet = new InProcessAgents(dir, 3, tls(certs));
    int leader = leader();
    Path ca = certs.resolve("ca.pem");

    ManagedChannel member = client(certs, "operator");
    kv(member).put(put("mission/plan"));
    assertThat(get(member, "mission/plan")).isEqualTo(1);

    StatusRuntimeException anonymous = org.assertj.core.api.Assertions.catchThrowableOfType(
        () -> kv(channel(leader, ca, null, null)).put(put("mission/anonymous")),
        StatusRuntimeException.class);
    assertThat(anonymous.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(anonymous.getStatus().getDescription())
        .isEqualTo("a client certificate from the fleet CA is required");

    Path other = dir.resolve("other");
    FleetCa.init(other).issue("operator", List.of(), Duration.ofDays(1), other);
    assertThat(code(() -> kv(channel(leader, ca, other.resolve("operator.pem"),
        other.resolve("operator.key"))).put(put("mission/forged"))))
        .isEqualTo(Status.Code.UNAVAILABLE);

    ManagedChannel plaintext = NettyChannelBuilder.forAddress("127.0.0.1", fleet.apiPort(leader))
        .usePlaintext().build();
    channels.add(plaintext);
    assertThat(code(() -> kv(plaintext).put(put("mission/plaintext"))))
        .isEqualTo(Status.Code.UNAVAILABLE);

    assertThat(get(member, "mission/anonymous") + get(member, "mission/forged")
        + get(member, "mission/plaintext")).isZero();
    assertThat(metric(leader, "flotilla_tls_refusals_total{channel=\"api\"}"))
        .isGreaterThanOrEqualTo(2);
  }

  @Test
  void anAgentWhoseCertificateIsFromAnotherCaNeverGetsTheLog() throws Exception {
    Path certs = fleetCa("operator");
    Path other = dir.resolve("other");
    FleetCa.init(other).issue("n3", List.of(), Duration.ofDays(1), other);
    // n3 is listed as a member, but holds a certificate (and trusts a CA) of another fleet.
    Files.copy(other.resolve("n3.pem"), certs.resolve("n3.pem"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.copy(other.resolve("n3.key"), certs.resolve("n3.key"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    for (String n : List.of("n1", "n2")) {
      Files.copy(certs.resolve("ca.pem"), certs.resolve(n + "-ca.pem"));
    }
    Files.copy(other.resolve("ca.pem"), certs.resolve("n3-ca.pem"));
    fleet = new InProcessAgents(dir, 3, "tls: {ca: " + certs.resolve("{id}-ca.pem")
        + ", cert: " + certs.resolve("{id}.pem") + ", key: " + certs.resolve("{id}.key") + "}\n");

    int leader = leader();
    assertThat(leader).as("n1 and n2 elect a leader between them").isIn(0, 1);
    ManagedChannel operator = client(certs, "operator");
    for (int i = 0; i < 5; i++) {
      kv(operator).put(put("mission/" + i));
    }
    assertThat(fleet.status(leader).commitIndex()).isGreaterThanOrEqualTo(5);
    assertThat(fleet.status(2).appliedIndex()).as("n3's applied index").isLessThan(1);
    assertThat(metric(leader, "flotilla_tls_refusals_total{channel=\"raft\"}")).isPositive();
  }

  @Test
  void eachClientGetsWhatItsAccessRuleSays() throws Exception {
    Path certs = fleetCa("operator", "autopilot", "dashboard", "stranger");
    fleet = new InProcessAgents(dir, 3, tls(certs) + ACCESS);
    int leader = leader();
    ManagedChannel autopilot = client(certs, "autopilot");
    ManagedChannel dashboard = client(certs, "dashboard");
    ManagedChannel stranger = client(certs, "stranger");
    ManagedChannel operator = client(certs, "operator");

    kv(autopilot).put(put("mission/plan"));
    StatusRuntimeException outside = org.assertj.core.api.Assertions.catchThrowableOfType(
        () -> kv(autopilot).put(put("airspace/reservation")), StatusRuntimeException.class);
    assertThat(outside.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(outside.getStatus().getDescription())
        .isEqualTo("client autopilot may write only under 'mission/', not 'airspace/reservation'");
    TxnCall sneaky = TxnCall.newBuilder().setTxn(TxnRequest.newBuilder()
        .addCompare(Compare.newBuilder().setKey(ByteString.copyFromUtf8("mission/plan"))
            .setVersion(1))
        .addSuccess(RequestOp.newBuilder().setPut(put("airspace/reservation").getPut()))).build();
    assertThat(code(() -> kv(autopilot).txn(sneaky))).isEqualTo(Status.Code.PERMISSION_DENIED);

    assertThat(get(dashboard, "mission/plan")).isEqualTo(1);
    TxnCall readOnly = TxnCall.newBuilder().setTxn(TxnRequest.newBuilder()
        .addSuccess(RequestOp.newBuilder().setRange(RangeRequest.newBuilder()
            .setKey(ByteString.copyFromUtf8("mission/plan"))))).build();
    assertThat(kv(dashboard).txn(readOnly).getSucceeded()).isTrue();
    assertThat(code(() -> kv(dashboard).put(put("mission/plan"))))
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(code(() -> ClusterGrpc.newBlockingStub(dashboard)
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .memberRemove(MemberCall.newBuilder().setId("n1").build())))
        .isEqualTo(Status.Code.PERMISSION_DENIED);

    StatusRuntimeException unlisted = org.assertj.core.api.Assertions.catchThrowableOfType(
        () -> get(stranger, "mission/plan"), StatusRuntimeException.class);
    assertThat(unlisted.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(unlisted.getStatus().getDescription())
        .isEqualTo("client stranger is not on the access list");

    // A request that does not parse meets the access check first: still INVALID_ARGUMENT.
    MethodDescriptor<byte[], byte[]> rawPut = RawBytes.of(KVGrpc.getPutMethod());
    assertThat(code(() -> ClientCalls.blockingUnaryCall(autopilot, rawPut,
        CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), new byte[] {(byte) 0xff})))
        .isEqualTo(Status.Code.INVALID_ARGUMENT);

    assertThat(get(operator, "airspace/reservation")).as("no denied write applied").isZero();
    assertThat(fleet.status(leader).commitIndex()).isPositive();
    assertThat(metric(leader, "flotilla_access_denied_total")).isGreaterThanOrEqualTo(5);
  }

  @Test
  void aBadTlsFileFailsTheConfigWithOneLine() throws Exception {
    Path certs = fleetCa();
    Files.writeString(certs.resolve("n1.key"), "not a key\n");
    assertThatThrownBy(() -> new InProcessAgents(dir, 1, tls(certs)))
        .hasMessageStartingWith("config: tls: ")
        .hasMessageContaining("n1.key")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }
}
