package io.flotilla.agent.calls;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Who is calling the agent API: the common name of the client's certificate when the API runs
 * under mutual TLS, otherwise the client's network address. Per-client limits and access rules
 * key on it.
 */
public final class Caller {
  private static final Context.Key<String> NAME = Context.key("flotilla-caller");

  private Caller() {}

  /** The caller of the current call; {@code "unknown"} outside a call. */
  public static String current() {
    String name = NAME.get();
    return name == null ? "unknown" : name;
  }

  /** Names the caller of every call before the service sees it. */
  public static ServerInterceptor interceptor() {
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
          ServerCallHandler<Q, R> next) {
        Context named = Context.current().withValue(NAME, nameOf(call));
        return Contexts.interceptCall(named, call, headers, next);
      }
    };
  }

  private static String nameOf(ServerCall<?, ?> call) {
    SSLSession tls = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
    if (tls != null) {
      String cn = commonName(tls);
      if (cn != null) {
        return cn;
      }
    }
    SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
    return remote instanceof InetSocketAddress a && a.getAddress() != null
        ? a.getAddress().getHostAddress() : String.valueOf(remote);
  }

  private static String commonName(SSLSession tls) {
    try {
      Certificate[] chain = tls.getPeerCertificates();
      if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
        return null;
      }
      for (Rdn rdn : new LdapName(leaf.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          return rdn.getValue().toString();
        }
      }
      return null;
    } catch (SSLPeerUnverifiedException | InvalidNameException e) {
      return null;
    }
  }
}
