package io.flotilla.consensus.identity;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.protobuf.ByteString;
import io.flotilla.consensus.proto.SignedCommand;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.UUID;

/**
 * The signature of a proposal ({@link SignedCommand}): what an agent signs with its Ed25519
 * key, and how every replica checks it.
 *
 * <p>The signed message is domain-separated, so that a signature made for anything else, for
 * another group or by another agent never verifies: the ASCII tag {@code flotilla/proposal/v1}
 * and a zero byte, the group's id (its 16-byte UUID, most significant half first), the agent
 * id's length (4 bytes, big-endian) and its UTF-8 bytes, the sequence (8 bytes, big-endian),
 * then the command's bytes to the end. Every field before the command has a fixed or stated
 * length, so two different proposals never share a message.
 */
public final class ProposalSignature {
  public static final String ALGORITHM = "Ed25519";
  private static final byte[] TAG = "flotilla/proposal/v1\0".getBytes(US_ASCII);

  private ProposalSignature() {}

  /** The bytes an agent signs to propose {@code command} to {@code group}. */
  public static byte[] message(UUID group, String agent, long sequence, ByteString command) {
    byte[] id = agent.getBytes(UTF_8);
    ByteBuffer b = ByteBuffer.allocate(TAG.length + 16 + 4 + id.length + 8 + command.size())
        .put(TAG)
        .putLong(group.getMostSignificantBits())
        .putLong(group.getLeastSignificantBits())
        .putInt(id.length)
        .put(id)
        .putLong(sequence);
    command.copyTo(b);
    return b.array();
  }

  /** {@code command} (a serialized Command) signed by {@code agent} for {@code group}. */
  public static SignedCommand sign(UUID group, String agent, long sequence, ByteString command,
      PrivateKey key) {
    try {
      Signature s = Signature.getInstance(ALGORITHM);
      s.initSign(key);
      s.update(message(group, agent, sequence, command));
      return SignedCommand.newBuilder()
          .setAgent(agent)
          .setSequence(sequence)
          .setCommand(command)
          .setSignature(ByteString.copyFrom(s.sign()))
          .build();
    } catch (InvalidKeyException e) {
      throw new IllegalArgumentException("cannot sign with this key: " + e.getMessage(), e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot make Ed25519 signatures", e);
    }
  }

  /**
   * Whether {@code signed} carries a signature by {@code key} for {@code group}. A malformed
   * signature does not verify. Ed25519 verification is a pure function of its inputs, so every
   * replica decides alike.
   */
  public static boolean verifies(UUID group, SignedCommand signed, PublicKey key) {
    try {
      Signature s = Signature.getInstance(ALGORITHM);
      s.initVerify(key);
      s.update(message(group, signed.getAgent(), signed.getSequence(), signed.getCommand()));
      return s.verify(signed.getSignature().toByteArray());
    } catch (SignatureException | InvalidKeyException e) {
      return false;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK cannot check Ed25519 signatures", e);
    }
  }

  /**
   * An Ed25519 public key from its X.509 SubjectPublicKeyInfo DER.
   *
   * @throws IllegalArgumentException with a one-line reason when it is not one
   */
  public static PublicKey publicKey(ByteString der) {
    try {
      return KeyFactory.getInstance(ALGORITHM)
          .generatePublic(new X509EncodedKeySpec(der.toByteArray()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no Ed25519 keys", e);
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException("public key is not an Ed25519 key in X.509 "
          + "SubjectPublicKeyInfo form (" + e.getClass().getSimpleName() + ")", e);
    }
  }

  /**
   * Checks that {@code key} is an Ed25519 private key.
   *
   * @throws IllegalArgumentException when it is not
   */
  public static PrivateKey requirePrivateKey(PrivateKey key) {
    if (!(key instanceof EdECPrivateKey ed)
        || !NamedParameterSpec.ED25519.getName().equalsIgnoreCase(ed.getParams().getName())) {
      throw new IllegalArgumentException("a proposal signer needs an Ed25519 private key, not "
          + (key == null ? "none" : key.getAlgorithm()));
    }
    return key;
  }
}
