package io.flotilla.agent.trust;

import io.flotilla.consensus.tls.MutualTls;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509KeyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An agent's mutual TLS, from the PEM files its configuration names: the identity it presents
 * on Raft traffic and on its API, and the fleet CA it requires of everyone else. Certificates
 * refused on either channel are logged and counted ({@link #refusedRaft}, {@link #refusedApi}).
 */
public final class AgentTrust {
  private static final Logger LOG = LoggerFactory.getLogger(AgentTrust.class);
  private static final char[] NO_PASSWORD = new char[0];

  private final X509KeyManager identity;
  private final X509ExtendedTrustManager fleetCa;
  private final AtomicLong refusedRaft = new AtomicLong();
  private final AtomicLong refusedApi = new AtomicLong();

  private AgentTrust(X509KeyManager identity, X509ExtendedTrustManager fleetCa) {
    this.identity = identity;
    this.fleetCa = fleetCa;
  }

  /**
   * Loads the files.
   *
   * @throws TrustFileException with one line naming the file that cannot be read, parsed or
   *     used
   */
  public static AgentTrust load(TlsFiles files) {
    List<X509Certificate> ca = FleetCa.readCertificates(files.ca());
    List<X509Certificate> chain = FleetCa.readCertificates(files.cert());
    PrivateKey key = FleetCa.readPrivateKey(files.key());
    try {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry("agent", key, NO_PASSWORD, chain.toArray(X509Certificate[]::new));
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(
          KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, NO_PASSWORD);

      KeyStore anchors = KeyStore.getInstance("PKCS12");
      anchors.load(null, null);
      for (int i = 0; i < ca.size(); i++) {
        anchors.setCertificateEntry("fleet-ca-" + i, ca.get(i));
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(
          TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(anchors);
      return new AgentTrust((X509KeyManager) kmf.getKeyManagers()[0],
          (X509ExtendedTrustManager) tmf.getTrustManagers()[0]);
    } catch (GeneralSecurityException | IOException | ClassCastException e) {
      throw new TrustFileException(files.cert() + " and " + files.key()
          + " do not make a usable identity with " + files.ca() + ": " + e.getMessage(), e);
    }
  }

  /** For Raft traffic: between the agent's server and its peers, and from its clients. */
  public MutualTls raft() {
    return new MutualTls(identity,
        new RefusalCountingTrustManager(fleetCa, "raft", refusedRaft));
  }

  /**
   * For the API server. A client's certificate is asked for but not demanded in the handshake,
   * so that a client without one gets a clear UNAUTHENTICATED from {@link #requireClient}
   * rather than a bare handshake failure; one from another CA fails the handshake.
   */
  public SslContext apiServer() throws IOException {
    return GrpcSslContexts.configure(SslContextBuilder.forServer(identity)
            .trustManager(new RefusalCountingTrustManager(fleetCa, "api", refusedApi))
            .clientAuth(ClientAuth.OPTIONAL))
        .build();
  }

  /** Ends every API call whose client presented no certificate, before any service sees it. */
  public ServerInterceptor requireClient() {
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call,
          Metadata headers, ServerCallHandler<Q, R> next) {
        if (hasCertificate(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION))) {
          return next.startCall(call, headers);
        }
        refusedApi.incrementAndGet();
        LOG.warn("api: refused a call without a client certificate from {}",
            call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
        call.close(Status.UNAUTHENTICATED.withDescription(
            "a client certificate from the fleet CA is required"), new Metadata());
        return new ServerCall.Listener<>() {};
      }
    };
  }

  private static boolean hasCertificate(SSLSession session) {
    try {
      return session != null && session.getPeerCertificates().length > 0;
    } catch (SSLPeerUnverifiedException e) {
      return false;
    }
  }

  /** Certificates (or their absence) refused on Raft traffic so far. */
  public long refusedRaft() {
    return refusedRaft.get();
  }

  /** Certificates (or their absence) refused on the API so far. */
  public long refusedApi() {
    return refusedApi.get();
  }
}
