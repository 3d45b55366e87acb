package io.flotilla.consensus.server;

import com.google.protobuf.ByteString;
import io.flotilla.consensus.client.FleetClient;
import io.flotilla.consensus.identity.ProposalSignature;
import io.flotilla.consensus.proto.SignedCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.UUID;

/**
 * What signing proposals costs: one put's round trip on a three-server {@link LocalFleet}
 * (signatures optional, so both clients write to the same group) from a client that signs and
 * one that does not, sent one at a time, in alternating rounds; and Ed25519 signing and
 * verification alone. Prints medians.
 *
 * <pre>./mvnw -q -o -pl consensus test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.flotilla.consensus.server.ProposalSigningBenchmark</pre>
 */
public final class ProposalSigningBenchmark {
  private static final int PUTS = 1000;
  private static final int ROUNDS = 4;
  private static final Duration WAIT = Duration.ofSeconds(30);

  public static void main(String[] args) throws Exception {
    KeyPair key = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    signAndVerifyAlone(key);
    Path dir = Files.createTempDirectory("flotilla-signing-bench");
    try (LocalFleet fleet = LocalFleet.start(dir, "bench", 3)) {
      fleet.awaitLeader(WAIT);
      try (FleetClient plain = fleet.client(WAIT);
          FleetClient signed = FleetClient.builder(fleet.group()).timeout(WAIT)
              .signer("bench-agent", key.getPrivate()).build()) {
        signed.enroll("bench-agent", key.getPublic());
        putRoundTrips(plain, PUTS);
        putRoundTrips(signed, PUTS);
        long[] plainNanos = new long[PUTS * ROUNDS];
        long[] signedNanos = new long[PUTS * ROUNDS];
        for (int r = 0; r < ROUNDS; r++) {
          System.arraycopy(putRoundTrips(plain, PUTS), 0, plainNanos, r * PUTS, PUTS);
          System.arraycopy(putRoundTrips(signed, PUTS), 0, signedNanos, r * PUTS, PUTS);
        }
        report("put round trip, unsigned", plainNanos);
        report("put round trip, signed", signedNanos);
      }
    }
  }

  private static long[] putRoundTrips(FleetClient client, int n) {
    long[] nanos = new long[n];
    for (int i = 0; i < n; i++) {
      long start = System.nanoTime();
      client.put("bench/key-" + (i % 100), "value-" + i);
      nanos[i] = System.nanoTime() - start;
    }
    return nanos;
  }

  private static void signAndVerifyAlone(KeyPair key) {
    UUID group = UUID.randomUUID();
    ByteString command = ByteString.copyFrom(new byte[64]);
    int n = 20_000;
    long[] sign = new long[n];
    long[] verify = new long[n];
    for (int i = 0; i < n; i++) {
      long start = System.nanoTime();
      SignedCommand s = ProposalSignature.sign(group, "bench-agent", i + 1, command,
          key.getPrivate());
      long signed = System.nanoTime();
      if (!ProposalSignature.verifies(group, s, key.getPublic())) {
        throw new AssertionError("a fresh signature did not verify");
      }
      verify[i] = System.nanoTime() - signed;
      sign[i] = signed - start;
    }
    // The first half warms the JIT.
    report("Ed25519 sign (64-byte command)", Arrays.copyOfRange(sign, n / 2, n));
    report("Ed25519 verify (64-byte command)", Arrays.copyOfRange(verify, n / 2, n));
  }

  private static void report(String what, long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    System.out.printf(Locale.ROOT, "%-34s median %8.1f us   p99 %8.1f us   (n=%d)%n", what,
        sorted[sorted.length / 2] / 1e3, sorted[(int) (sorted.length * 0.99)] / 1e3,
        sorted.length);
  }
}
