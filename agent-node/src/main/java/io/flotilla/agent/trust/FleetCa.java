package io.flotilla.agent.trust;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.IPAddress;

/**
 * A development certificate authority for one fleet, kept as two PEM files in a directory:
 * {@value #CA_CERTIFICATE} (its self-signed certificate, "CN=Flotilla fleet CA", valid ten
 * years) and {@value #CA_KEY} (its PKCS#8 private key, readable by its owner only). It issues each
 * agent a certificate for mutual TLS, usable as both server and client, and an Ed25519 identity
 * key pair for signing proposals.
 *
 * <p>TLS keys are ECDSA P-256 signed with SHA256withECDSA, which the JDK's TLS provider and
 * Netty's (gRPC's and the one inside Ratis) all accept.
 *
 * <p>Certificates are built with Bouncy Castle's PKIX library: the JDK has no public API to build
 * or sign X.509 certificates, and Bouncy Castle's is the well-kept library for it. Keys, signatures
 * and parsing are the JDK's own; Bouncy Castle is never installed as a security provider.
 *
 * <p>Every failure to read or write a file is a {@link TrustFileException} whose message is one
 * line naming the file.
 */
public final class FleetCa {
  /** The CA's certificate, in the CA's directory. */
  public static final String CA_CERTIFICATE = "ca.pem";
  /** The CA's private key, in the CA's directory. */
  public static final String CA_KEY = "ca.key";
  /** The hosts a certificate names when the caller names none. */
  public static final List<String> DEFAULT_HOSTS = List.of("localhost", "127.0.0.1");

  private static final X500Name CA_NAME = new X500Name("CN=Flotilla fleet CA");
  private static final Duration CA_VALIDITY = Duration.ofDays(3650);
  // Certificates start an hour early so that a peer whose clock runs behind accepts them.
  private static final Duration BACKDATE = Duration.ofHours(1);
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  // Loose on purpose: it catches "host:port" and stray spaces, not every RFC 1123 detail.
  private static final Pattern DNS_NAME = Pattern.compile("(\\*\\.)?[A-Za-z0-9_][A-Za-z0-9._-]*");
  private static final Map<ASN1ObjectIdentifier, String> KEY_ALGORITHMS = Map.of(
      X9ObjectIdentifiers.id_ecPublicKey, "EC",
      EdECObjectIdentifiers.id_Ed25519, "Ed25519");
  private static final String SIGNATURE = "SHA256withECDSA";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final X509Certificate certificate;
  private final PrivateKey key;

  /** The files {@link #issue} wrote for one agent. */
  public record Issued(Path certificate, Path key, Path identityKey, Path identityPublicKey) {}

  private FleetCa(X509Certificate certificate, PrivateKey key) {
    this.certificate = certificate;
    this.key = key;
  }

  /**
   * Makes a new CA in {@code dir}, creating the directory if needed.
   *
   * @throws TrustFileException if {@value #CA_CERTIFICATE} or {@value #CA_KEY} already exists
   *     there (nothing is written then), or the directory or files cannot be written
   */
  public static FleetCa init(Path dir) {
    KeyPair pair = ecKeyPair();
    X509Certificate certificate = caCertificate(pair);
    createDirectories(dir);
    Pem.writeAll(List.of(
            new Pem.File(dir.resolve(CA_KEY), pem(pair.getPrivate()), true),
            new Pem.File(dir.resolve(CA_CERTIFICATE), pem(certificate), false)),
        "remove " + CA_CERTIFICATE + " and " + CA_KEY + " first to make a new CA");
    return new FleetCa(certificate, pair.getPrivate());
  }

  /**
   * The CA kept in {@code dir}.
   *
   * @throws TrustFileException if either file is missing or malformed, or the key is not the
   *     certificate's
   */
  public static FleetCa load(Path dir) {
    Path certificateFile = dir.resolve(CA_CERTIFICATE);
    Path keyFile = dir.resolve(CA_KEY);
    if (!Files.exists(certificateFile) && !Files.exists(keyFile)) {
      throw new TrustFileException("no fleet CA in " + dir + ": " + CA_CERTIFICATE + " and "
          + CA_KEY + " do not exist");
    }
    X509Certificate certificate = readCertificates(certificateFile).get(0);
    PrivateKey key = readPrivateKey(keyFile);
    if (!signsFor(key, certificate.getPublicKey())) {
      throw new TrustFileException(keyFile + " is not the key of " + certificateFile);
    }
    return new FleetCa(certificate, key);
  }

  /** The CA's certificate: what every agent trusts. */
  public X509Certificate certificate() {
    return certificate;
  }

  /**
   * Issues agent {@code name} a TLS certificate and key and an Ed25519 identity key pair, written
   * to {@code outDir} (created if needed) as {@code NAME.pem} (the agent's certificate followed by
   * the CA's), {@code NAME.key}, {@code NAME.identity.key} (both PKCS#8, readable by their owner
   * only) and {@code NAME.identity.pub} (X.509 SubjectPublicKeyInfo).
   *
   * <p>The certificate's subject is CN=NAME; it names each host as an IP address when it is one,
   * else as a DNS name ({@link #DEFAULT_HOSTS} when {@code hosts} is empty), serves both TLS
   * server and client authentication, and never outlives the CA.
   *
   * @throws IllegalArgumentException if the name is not 1 to 64 letters, digits, dots, dashes or
   *     underscores starting with a letter or digit, a host is neither an IP address nor a DNS
   *     name, or the validity is not positive
   * @throws TrustFileException if any of the four files already exists (nothing is written then:
   *     a new identity key is a new identity, so replacing one takes removing it), or they cannot
   *     be written
   */
  public Issued issue(String name, List<String> hosts, Duration validity, Path outDir) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("bad agent name '" + name + "': expected 1 to 64 "
          + "letters, digits, '.', '_' or '-', starting with a letter or digit");
    }
    if (validity.isNegative() || validity.isZero()) {
      throw new IllegalArgumentException("validity must be positive, not " + validity);
    }
    GeneralNames altNames = altNames(hosts.isEmpty() ? DEFAULT_HOSTS : hosts);
    KeyPair tls = ecKeyPair();
    X509Certificate leaf = leafCertificate(name, altNames, tls.getPublic(), validity);
    KeyPair identity = ed25519KeyPair();
    Issued issued = new Issued(outDir.resolve(name + ".pem"), outDir.resolve(name + ".key"),
        outDir.resolve(name + ".identity.key"), outDir.resolve(name + ".identity.pub"));
    createDirectories(outDir);
    Pem.writeAll(List.of(
            new Pem.File(issued.certificate(), pem(leaf) + pem(certificate), false),
            new Pem.File(issued.key(), pem(tls.getPrivate()), true),
            new Pem.File(issued.identityKey(), pem(identity.getPrivate()), true),
            new Pem.File(issued.identityPublicKey(),
                Pem.encode("PUBLIC KEY", identity.getPublic().getEncoded()), false)),
        "remove " + name + ".* first to issue " + name + " again");
    return issued;
  }

  /**
   * The PKCS#8 private key ({@code -----BEGIN PRIVATE KEY-----}), EC or Ed25519, in a PEM file.
   *
   * @throws TrustFileException if the file is unreadable or holds no single such key
   */
  public static PrivateKey readPrivateKey(Path pem) {
    byte[] der = single(Pem.read(pem, "PRIVATE KEY"), pem.toString(), "PRIVATE KEY");
    try {
      String algorithm = keyAlgorithm(
          PrivateKeyInfo.getInstance(der).getPrivateKeyAlgorithm().getAlgorithm(), pem.toString());
      return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (IllegalArgumentException | IllegalStateException | GeneralSecurityException e) {
      throw new TrustFileException(pem + ": malformed private key: " + e.getMessage(), e);
    }
  }

  /**
   * The X.509 public key ({@code -----BEGIN PUBLIC KEY-----}), EC or Ed25519, in a PEM file.
   *
   * @throws TrustFileException if the file is unreadable or holds no single such key
   */
  public static PublicKey readPublicKey(Path pem) {
    return publicKey(single(Pem.read(pem, "PUBLIC KEY"), pem.toString(), "PUBLIC KEY"),
        pem.toString());
  }

  /**
   * An X.509 public key, EC or Ed25519, sent as PEM text ({@code -----BEGIN PUBLIC KEY-----})
   * or as DER bytes, as in an API call.
   *
   * @param source what the bytes came from, to name in errors
   * @throws TrustFileException if the bytes hold no single such key
   */
  public static PublicKey parsePublicKey(byte[] pemOrDer, String source) {
    String text = new String(pemOrDer, StandardCharsets.ISO_8859_1);
    if (!text.strip().startsWith("-----BEGIN")) {
      return publicKey(pemOrDer, source);
    }
    return publicKey(single(Pem.parse(text, "PUBLIC KEY", source), source, "PUBLIC KEY"),
        source);
  }

  private static PublicKey publicKey(byte[] der, String source) {
    try {
      String algorithm = keyAlgorithm(
          SubjectPublicKeyInfo.getInstance(der).getAlgorithm().getAlgorithm(), source);
      return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
    } catch (IllegalArgumentException | IllegalStateException | GeneralSecurityException e) {
      throw new TrustFileException(source + ": malformed public key: " + e.getMessage(), e);
    }
  }

  /**
   * Every certificate in a PEM file, in the file's order: for an agent's {@code NAME.pem}, its
   * own certificate then the CA's.
   *
   * @throws TrustFileException if the file is unreadable, holds no certificate or a malformed one
   */
  public static List<X509Certificate> readCertificates(Path pem) {
    List<X509Certificate> certificates = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (byte[] der : Pem.read(pem, "CERTIFICATE")) {
        certificates.add(
            (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
      }
    } catch (CertificateException e) {
      throw new TrustFileException(pem + ": malformed certificate: " + e.getMessage(), e);
    }
    return certificates;
  }

  private static byte[] single(List<byte[]> blocks, String pem, String type) {
    if (blocks.size() > 1) {
      throw new TrustFileException(pem + ": " + blocks.size() + " " + type
          + " blocks where one was expected");
    }
    return blocks.get(0);
  }

  private static String keyAlgorithm(ASN1ObjectIdentifier oid, String pem) {
    String algorithm = KEY_ALGORITHMS.get(oid);
    if (algorithm == null) {
      throw new TrustFileException(pem + ": a key of algorithm " + oid
          + ", expected EC or Ed25519");
    }
    return algorithm;
  }

  private static GeneralNames altNames(List<String> hosts) {
    List<GeneralName> names = new ArrayList<>();
    for (String host : hosts) {
      if (IPAddress.isValid(host)) {
        names.add(new GeneralName(GeneralName.iPAddress, host));
      } else if (host.length() <= 253 && DNS_NAME.matcher(host).matches()) {
        names.add(new GeneralName(GeneralName.dNSName, host));
      } else {
        throw new IllegalArgumentException("not an IP address or DNS name: '" + host + "'");
      }
    }
    return new GeneralNames(names.toArray(GeneralName[]::new));
  }

  private static X509Certificate caCertificate(KeyPair pair) {
    Instant now = Instant.now();
    X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(CA_NAME, serial(),
        Date.from(now.minus(BACKDATE)), Date.from(now.plus(CA_VALIDITY)), CA_NAME,
        pair.getPublic());
    try {
      builder
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
          .addExtension(Extension.keyUsage, true,
              new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(Extension.subjectKeyIdentifier, false,
              new JcaX509ExtensionUtils().createSubjectKeyIdentifier(pair.getPublic()));
    } catch (CertIOException | GeneralSecurityException e) {
      throw cannotSign(e);
    }
    return sign(builder, pair.getPrivate());
  }

  private X509Certificate leafCertificate(String name, GeneralNames altNames, PublicKey publicKey,
      Duration validity) {
    Instant now = Instant.now();
    Instant notAfter = now.plus(validity);
    if (notAfter.isAfter(certificate.getNotAfter().toInstant())) {
      notAfter = certificate.getNotAfter().toInstant();
    }
    X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(certificate, serial(),
        Date.from(now.minus(BACKDATE)), Date.from(notAfter), new X500Name("CN=" + name),
        publicKey);
    try {
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
      builder
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
          .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
              new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
          .addExtension(Extension.subjectAlternativeName, false, altNames)
          .addExtension(Extension.subjectKeyIdentifier, false,
              utils.createSubjectKeyIdentifier(publicKey))
          .addExtension(Extension.authorityKeyIdentifier, false,
              utils.createAuthorityKeyIdentifier(certificate));
    } catch (CertIOException | GeneralSecurityException e) {
      throw cannotSign(e);
    }
    return sign(builder, key);
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey) {
    try {
      return new JcaX509CertificateConverter().getCertificate(
          builder.build(new JcaContentSignerBuilder(SIGNATURE).build(issuerKey)));
    } catch (OperatorCreationException | CertificateException e) {
      throw cannotSign(e);
    }
  }

  // The inputs are this class's own; failing here means the JDK lacks EC or SHA-256.
  private static IllegalStateException cannotSign(Exception e) {
    return new IllegalStateException("cannot make a certificate: " + e.getMessage(), e);
  }

  /** Whether {@code key} makes signatures that {@code publicKey} verifies. */
  private static boolean signsFor(PrivateKey key, PublicKey publicKey) {
    byte[] probe = "flotilla".getBytes(StandardCharsets.US_ASCII);
    try {
      Signature signer = Signature.getInstance(SIGNATURE);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(SIGNATURE);
      verifier.initVerify(publicKey);
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static KeyPair ecKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot make P-256 keys: " + e.getMessage(), e);
    }
  }

  private static KeyPair ed25519KeyPair() {
    try {
      return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot make Ed25519 keys: " + e.getMessage(), e);
    }
  }

  /** A random positive serial of 128 bits, as RFC 5280 asks (at most 20 octets, unique). */
  private static BigInteger serial() {
    return new BigInteger(128, RANDOM).setBit(127);
  }

  private static String pem(X509Certificate certificate) {
    try {
      return Pem.encode("CERTIFICATE", certificate.getEncoded());
    } catch (CertificateException e) {
      throw new IllegalStateException("cannot encode a certificate just made", e);
    }
  }

  private static String pem(PrivateKey key) {
    return Pem.encode("PRIVATE KEY", key.getEncoded());
  }

  private static void createDirectories(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new TrustFileException("cannot create directory " + dir + ": " + Pem.reason(e), e);
    }
  }
}
