package io.flotilla.agent.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FleetCaTest {
  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
  private static final int DNS_NAME = 2;
  private static final int IP_ADDRESS = 7;

  @TempDir Path dir;

  @Test
  void theCaIsASelfSignedTenYearCaCertificateWithAnOwnerOnlyKey() throws Exception {
    FleetCa.init(dir);

    X509Certificate ca = FleetCa.readCertificates(dir.resolve("ca.pem")).get(0);
    ca.verify(ca.getPublicKey());
    assertThat(ca.getSubjectX500Principal().getName()).isEqualTo("CN=Flotilla fleet CA");
    assertThat(ca.getBasicConstraints()).as("CA:true").isNotNegative();
    assertThat(ca.getKeyUsage()[5]).as("keyCertSign").isTrue();
    assertThat(ca.getKeyUsage()[6]).as("cRLSign").isTrue();
    assertThat(ca.getSigAlgName()).isEqualTo("SHA256withECDSA");
    assertThat(ca.getNotAfter().toInstant())
        .isAfter(Instant.now().plus(Duration.ofDays(3649)))
        .isBefore(Instant.now().plus(Duration.ofDays(3651)));
    assertThat(Files.readString(dir.resolve("ca.key"))).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(FleetCa.readPrivateKey(dir.resolve("ca.key")).getAlgorithm()).isEqualTo("EC");
    assertOwnerOnly(dir.resolve("ca.key"));
  }

  @Test
  void anIssuedCertificateIsSignedByTheCaAndNamesTheAgentAndItsHosts() throws Exception {
    FleetCa ca = FleetCa.init(dir);
    Path out = dir.resolve("agents");

    FleetCa.Issued issued = ca.issue("agent-1", List.of("127.0.0.1", "agent-1.fleet.local", "::1"),
        Duration.ofDays(30), out);

    assertThat(issued).isEqualTo(new FleetCa.Issued(out.resolve("agent-1.pem"),
        out.resolve("agent-1.key"), out.resolve("agent-1.identity.key"),
        out.resolve("agent-1.identity.pub")));
    List<X509Certificate> chain = FleetCa.readCertificates(issued.certificate());
    assertThat(chain).hasSize(2);
    assertThat(chain.get(1)).isEqualTo(ca.certificate());
    X509Certificate leaf = chain.get(0);
    leaf.verify(FleetCa.load(dir).certificate().getPublicKey());
    assertThat(leaf.getSubjectX500Principal().getName()).isEqualTo("CN=agent-1");
    assertThat(leaf.getIssuerX500Principal()).isEqualTo(ca.certificate().getSubjectX500Principal());
    assertThat(leaf.getSubjectAlternativeNames()).containsExactlyInAnyOrder(
        List.of(IP_ADDRESS, "127.0.0.1"), List.of(DNS_NAME, "agent-1.fleet.local"),
        List.of(IP_ADDRESS, "0:0:0:0:0:0:0:1"));
    assertThat(leaf.getExtendedKeyUsage()).containsExactlyInAnyOrder(SERVER_AUTH, CLIENT_AUTH);
    assertThat(leaf.getKeyUsage()[0]).as("digitalSignature").isTrue();
    assertThat(leaf.getBasicConstraints()).as("not a CA").isEqualTo(-1);
    assertThat(leaf.getNotAfter().toInstant())
        .isBefore(Instant.now().plus(Duration.ofDays(30)).plusSeconds(5));
    assertThat(FleetCa.readPrivateKey(issued.key()).getAlgorithm()).isEqualTo("EC");
    assertOwnerOnly(issued.key());
    assertOwnerOnly(issued.identityKey());
  }

  @Test
  void withNoHostsACertificateNamesLocalhostAndLoopback() throws Exception {
    FleetCa.Issued issued = FleetCa.init(dir).issue("a", List.of(), Duration.ofDays(1), dir);

    assertThat(FleetCa.readCertificates(issued.certificate()).get(0).getSubjectAlternativeNames())
        .containsExactlyInAnyOrder(List.of(DNS_NAME, "localhost"), List.of(IP_ADDRESS, "127.0.0.1"));
  }

  @Test
  void theIdentityKeyPairSignsAndVerifiesWithEd25519() throws Exception {
    FleetCa.Issued issued = FleetCa.init(dir).issue("drone-7", List.of(), Duration.ofDays(1), dir);
    byte[] proposal = "put mission/plan survey".getBytes(StandardCharsets.UTF_8);

    assertThat(Files.readString(issued.identityPublicKey()))
        .startsWith("-----BEGIN PUBLIC KEY-----");
    PrivateKey privateKey = FleetCa.readPrivateKey(issued.identityKey());
    PublicKey publicKey = FleetCa.readPublicKey(issued.identityPublicKey());
    Signature signer = Signature.getInstance("Ed25519");
    signer.initSign(privateKey);
    signer.update(proposal);
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance("Ed25519");
    verifier.initVerify(publicKey);
    verifier.update(proposal);

    assertThat(verifier.verify(signature)).isTrue();
  }

  @Test
  void twoAgentsOfTheFleetCompleteAMutualTlsHandshake() throws Exception {
    FleetCa ca = FleetCa.init(dir);
    FleetCa.Issued server = ca.issue("agent-1", List.of("127.0.0.1"), Duration.ofDays(1), dir);
    FleetCa.Issued client = ca.issue("agent-2", List.of("127.0.0.1"), Duration.ofDays(1), dir);

    try (SSLServerSocket listener = listen(tls(server, dir.resolve("ca.pem")))) {
      CompletableFuture<String> served = serveOneByte(listener);
      try (SSLSocket socket = connect(tls(client, dir.resolve("ca.pem")), listener)) {
        socket.getOutputStream().write(42);
        socket.getOutputStream().flush();

        assertThat(socket.getInputStream().read()).isEqualTo(42);
        assertThat(socket.getSession().getPeerPrincipal().getName()).isEqualTo("CN=agent-1");
      }
      assertThat(served.get(10, TimeUnit.SECONDS)).isEqualTo("CN=agent-2");
    }
  }

  @Test
  void aClientCertifiedByAnotherCaIsRefused() throws Exception {
    FleetCa ca = FleetCa.init(dir.resolve("fleet"));
    FleetCa stranger = FleetCa.init(dir.resolve("other"));
    FleetCa.Issued server = ca.issue("agent-1", List.of("127.0.0.1"), Duration.ofDays(1), dir);
    FleetCa.Issued intruder =
        stranger.issue("intruder", List.of("127.0.0.1"), Duration.ofDays(1), dir);

    try (SSLServerSocket listener = listen(tls(server, dir.resolve("fleet/ca.pem")))) {
      CompletableFuture<String> served = serveOneByte(listener);
      // The intruder trusts the fleet's CA, so only the server's check of the client can fail.
      try (SSLSocket socket = connect(tls(intruder, dir.resolve("fleet/ca.pem")), listener)) {
        assertThatThrownBy(() -> {
          socket.getOutputStream().write(42);
          socket.getOutputStream().flush();
          if (socket.getInputStream().read() < 0) {
            throw new IOException("closed by the server");
          }
        }).isInstanceOf(IOException.class);
      }
      assertThatThrownBy(() -> served.get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(SSLHandshakeException.class)
          .hasRootCauseInstanceOf(SignatureException.class);
    }
  }

  @Test
  void initRefusesWhenACaIsAlreadyThere() {
    FleetCa.init(dir);

    assertThatThrownBy(() -> FleetCa.init(dir))
        .isInstanceOf(TrustFileException.class)
        .hasMessage(dir.resolve("ca.key") + " already exists; remove ca.pem and ca.key first to "
            + "make a new CA");
  }

  @Test
  void issueRefusesToReplaceAnAgentsFiles() {
    FleetCa ca = FleetCa.init(dir);
    ca.issue("agent-1", List.of(), Duration.ofDays(1), dir);

    assertThatThrownBy(() -> ca.issue("agent-1", List.of(), Duration.ofDays(1), dir))
        .isInstanceOf(TrustFileException.class)
        .hasMessageStartingWith(dir.resolve("agent-1.pem") + " already exists;");
  }

  @Test
  void badNamesHostsAndValiditiesAreRefusedInOneLine() {
    FleetCa ca = FleetCa.init(dir);

    for (String name : List.of("", "-agent", "agent/1", "agent 1", "a".repeat(65))) {
      assertThatThrownBy(() -> ca.issue(name, List.of(), Duration.ofDays(1), dir))
          .as(name)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("bad agent name '" + name + "'")
          .hasMessageNotContaining("\n");
    }
    assertThatThrownBy(() -> ca.issue("a", List.of("127.0.0.1:7001"), Duration.ofDays(1), dir))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not an IP address or DNS name: '127.0.0.1:7001'");
    assertThatThrownBy(() -> ca.issue("a", List.of(), Duration.ZERO, dir))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(dir.resolve("a.pem")).doesNotExist();
  }

  @Test
  void loadNamesTheMissingOrMalformedFile() throws IOException {
    assertThatThrownBy(() -> FleetCa.load(dir))
        .isInstanceOf(TrustFileException.class)
        .hasMessage("no fleet CA in " + dir + ": ca.pem and ca.key do not exist");

    FleetCa.init(dir);
    Files.writeString(dir.resolve("ca.key"), "-----BEGIN PRIVATE KEY-----\nAAAA\n"
        + "-----END PRIVATE KEY-----\n");
    assertThatThrownBy(() -> FleetCa.load(dir))
        .isInstanceOf(TrustFileException.class)
        .hasMessageStartingWith(dir.resolve("ca.key") + ": malformed private key")
        .hasMessageNotContaining("\n");

    Files.delete(dir.resolve("ca.pem"));
    assertThatThrownBy(() -> FleetCa.load(dir))
        .isInstanceOf(TrustFileException.class)
        .hasMessage("cannot read " + dir.resolve("ca.pem") + ": no such file or directory");
  }

  @Test
  void loadRefusesAKeyThatIsNotTheCertificates() throws IOException {
    FleetCa.init(dir.resolve("one"));
    FleetCa.init(dir.resolve("two"));
    Files.copy(dir.resolve("two/ca.key"), dir.resolve("one/ca.key"),
        StandardCopyOption.REPLACE_EXISTING);

    assertThatThrownBy(() -> FleetCa.load(dir.resolve("one")))
        .isInstanceOf(TrustFileException.class)
        .hasMessage(dir.resolve("one/ca.key") + " is not the key of " + dir.resolve("one/ca.pem"));
  }

  @Test
  void readersNameTheFileWithoutTheExpectedBlock() throws IOException {
    Path notPem = Files.writeString(dir.resolve("notes.txt"), "hello\n");

    assertThatThrownBy(() -> FleetCa.readCertificates(notPem))
        .isInstanceOf(TrustFileException.class)
        .hasMessage(notPem + ": no -----BEGIN CERTIFICATE----- block");
    assertThatThrownBy(() -> FleetCa.readPublicKey(notPem))
        .isInstanceOf(TrustFileException.class)
        .hasMessage(notPem + ": no -----BEGIN PUBLIC KEY----- block");
  }

  private static void assertOwnerOnly(Path file) throws IOException {
    assumeTrue(file.getFileSystem().supportedFileAttributeViews().contains("posix"));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
  }

  /** A TLS context from an agent's PEM files, trusting only the CA in {@code caPem}. */
  private static SSLContext tls(FleetCa.Issued agent, Path caPem) throws Exception {
    char[] password = "unused".toCharArray();
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("agent", FleetCa.readPrivateKey(agent.key()), password,
        FleetCa.readCertificates(agent.certificate()).toArray(Certificate[]::new));
    KeyManagerFactory keyManagers =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keyManagers.init(keys, password);

    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    trusted.setCertificateEntry("fleet-ca", FleetCa.readCertificates(caPem).get(0));
    TrustManagerFactory trustManagers =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trustManagers.init(trusted);

    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
    return context;
  }

  private static SSLServerSocket listen(SSLContext context) throws IOException {
    SSLServerSocket listener = (SSLServerSocket) context.getServerSocketFactory()
        .createServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
    listener.setNeedClientAuth(true);
    listener.setSoTimeout(10_000);
    return listener;
  }

  /** Accepts one client, echoes one byte, and completes with the client's certified name. */
  private static CompletableFuture<String> serveOneByte(SSLServerSocket listener) {
    return CompletableFuture.supplyAsync(() -> {
      try (SSLSocket socket = (SSLSocket) listener.accept()) {
        socket.setSoTimeout(10_000);
        socket.startHandshake();
        int b = socket.getInputStream().read();
        socket.getOutputStream().write(b);
        socket.getOutputStream().flush();
        return socket.getSession().getPeerPrincipal().getName();
      } catch (IOException e) {
        throw new CompletionException(e);
      }
    });
  }

  /** A client socket that checks the server's certificate names the address it dialled. */
  private static SSLSocket connect(SSLContext context, SSLServerSocket listener)
      throws IOException {
    SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket();
    socket.connect(new InetSocketAddress("127.0.0.1", listener.getLocalPort()), 10_000);
    socket.setSoTimeout(10_000);
    SSLParameters parameters = socket.getSSLParameters();
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    socket.setSSLParameters(parameters);
    return socket;
  }
}
