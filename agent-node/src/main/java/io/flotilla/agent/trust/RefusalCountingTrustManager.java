package io.flotilla.agent.trust;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts exactly what the fleet CA's trust manager accepts, and logs and counts each
 * certificate it refuses, so that an operator sees strangers knocking on a channel.
 */
final class RefusalCountingTrustManager extends X509ExtendedTrustManager {
  private static final Logger LOG = LoggerFactory.getLogger(RefusalCountingTrustManager.class);

  private final X509ExtendedTrustManager fleetCa;
  private final String channel;
  private final AtomicLong refused;

  /**
   * @param channel what the refusals are reported under ({@code raft}, {@code api})
   * @param refused incremented once per refused certificate chain
   */
  RefusalCountingTrustManager(X509ExtendedTrustManager fleetCa, String channel,
      AtomicLong refused) {
    this.fleetCa = fleetCa;
    this.channel = channel;
    this.refused = refused;
  }

  private interface Check {
    void run() throws CertificateException;
  }

  private void judge(X509Certificate[] chain, Check check) throws CertificateException {
    try {
      check.run();
    } catch (CertificateException e) {
      refused.incrementAndGet();
      String who = chain == null || chain.length == 0 ? "no certificate"
          : chain[0].getSubjectX500Principal().getName();
      LOG.warn("{}: refused a certificate not from the fleet CA ({}): {}", channel, who,
          e.getMessage());
      throw e;
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    judge(chain, () -> fleetCa.checkClientTrusted(chain, authType, socket));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    judge(chain, () -> fleetCa.checkServerTrusted(chain, authType, socket));
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    judge(chain, () -> fleetCa.checkClientTrusted(chain, authType, engine));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    judge(chain, () -> fleetCa.checkServerTrusted(chain, authType, engine));
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    judge(chain, () -> fleetCa.checkClientTrusted(chain, authType));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    judge(chain, () -> fleetCa.checkServerTrusted(chain, authType));
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return fleetCa.getAcceptedIssuers();
  }
}
