package io.flotilla.consensus.tls;

import java.util.Objects;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcTlsConfig;

/**
 * Mutual TLS for a group's traffic: the key and certificate this end presents, and the trust
 * manager that decides whether the other end's certificate is acceptable. Under it, every
 * connection between servers, and from clients to servers, carries a certificate on both ends;
 * a peer or client whose certificate the trust manager refuses cannot connect.
 *
 * @param keyManager this end's private key and certificate chain
 * @param trustManager judges the other end's certificate chain (the fleet CA)
 */
public record MutualTls(X509KeyManager keyManager, X509TrustManager trustManager) {
  public MutualTls {
    Objects.requireNonNull(keyManager, "keyManager");
    Objects.requireNonNull(trustManager, "trustManager");
  }

  /** Ratis's transport parameters for it: the same TLS on the server, client and admin paths. */
  public Parameters ratisParameters() {
    Parameters p = new Parameters();
    GrpcConfigKeys.TLS.setConf(p, new GrpcTlsConfig(keyManager, trustManager, true));
    return p;
  }
}
