package io.flotilla.consensus.election;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.flotilla.consensus.client.FleetClient;
import io.flotilla.consensus.client.FleetException;
import io.flotilla.consensus.client.Watch;
import io.flotilla.consensus.proto.KeyValue;
import io.flotilla.consensus.server.LocalFleet;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ElectionTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;
  private LocalFleet fleet;
  private FleetClient alpha;
  private FleetClient bravo;

  @BeforeEach
  void start() throws Exception {
    fleet = LocalFleet.start(dir, "squad", 3);
    fleet.awaitLeader(WAIT);
    alpha = fleet.client(WAIT);
    bravo = fleet.client(WAIT);
  }

  @AfterEach
  void stop() throws Exception {
    alpha.close();
    bravo.close();
    fleet.close();
  }

  @Test
  void theFirstCandidateLeadsAndTheNextTakesOverWhenItResigns() throws Exception {
    List<String> observed = Collections.synchronizedList(new ArrayList<>());
    Election election = new Election(alpha, "coordinator");
    try (Watch ignored = election.observe(
        h -> observed.add(h.map(kv -> kv.getValue().toStringUtf8()).orElse("-")))) {
      long alphaLease = alpha.grantLease(Duration.ofSeconds(30)).getId();
      long bravoLease = bravo.grantLease(Duration.ofSeconds(30)).getId();
      Leadership a = election.campaign(alphaLease, "drone-alpha", WAIT);
      CompletableFuture<Leadership> b = CompletableFuture.supplyAsync(() -> campaign(
          new Election(bravo, "coordinator"), bravoLease, "drone-bravo"));

      await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> !b.isDone());
      assertThat(a.isHeld()).isTrue();

      a.resign();
      Leadership bravoRole = b.get();

      assertThat(bravoRole.isHeld()).isTrue();
      assertThat(a.isHeld()).isFalse();
      assertThat(a.proclaim("still me?")).isFalse();
      await().atMost(WAIT).until(() -> observed.contains("drone-bravo"));
      assertThat(observed).containsSubsequence("-", "drone-alpha", "drone-bravo");
    }
  }

  @Test
  void losingTheLeaseLosesTheRole() throws Exception {
    Election election = new Election(alpha, "coordinator");
    long shortLease = alpha.grantLease(Duration.ofSeconds(1)).getId();
    Leadership a = election.campaign(shortLease, "drone-alpha", WAIT);
    long bravoLease = bravo.grantLease(Duration.ofSeconds(30)).getId();

    // alpha stops keeping its lease alive, as a crashed agent would
    Leadership b = new Election(bravo, "coordinator").campaign(bravoLease, "drone-bravo", WAIT);

    assertThat(b.isHeld()).isTrue();
    assertThat(a.isHeld()).isFalse();
    Optional<KeyValue> holder = election.leader();
    assertThat(holder.orElseThrow().getValue().toStringUtf8()).isEqualTo("drone-bravo");
  }

  @Test
  void theHolderProclaimsNewValuesForObservers() throws Exception {
    Election election = new Election(alpha, "mission-plan");
    Leadership a = election.campaign(alpha.grantLease(Duration.ofSeconds(30)).getId(), "v1", WAIT);

    assertThat(a.proclaim("v2")).isTrue();

    assertThat(election.leader().orElseThrow().getValue().toStringUtf8()).isEqualTo("v2");
  }

  @Test
  void aCampaignThatCannotWinInTimeWithdrawsItsCandidacy() throws Exception {
    Election election = new Election(alpha, "coordinator");
    election.campaign(alpha.grantLease(Duration.ofSeconds(30)).getId(), "drone-alpha", WAIT);
    long bravoLease = bravo.grantLease(Duration.ofSeconds(30)).getId();

    assertThatThrownBy(() -> new Election(bravo, "coordinator")
        .campaign(bravoLease, "drone-bravo", Duration.ofMillis(500)))
        .isInstanceOfSatisfying(FleetException.class,
            e -> assertThat(e.code()).isEqualTo(FleetException.Code.TIMEOUT));
    assertThat(election.candidates().getKvsCount()).isEqualTo(1);
  }

  private static Leadership campaign(Election e, long lease, String value) {
    try {
      return e.campaign(lease, value, WAIT);
    } catch (InterruptedException ex) {
      throw new IllegalStateException(ex);
    }
  }
}
