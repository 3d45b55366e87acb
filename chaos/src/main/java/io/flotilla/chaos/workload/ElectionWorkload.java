package io.flotilla.chaos.workload;

import com.google.protobuf.ByteString;
import io.flotilla.agent.api.CampaignCall;
import io.flotilla.agent.api.ElectionGrpc;
import io.flotilla.agent.api.LeaderKey;
import io.flotilla.agent.api.LeaseCall;
import io.flotilla.agent.api.LeaseGrantCall;
import io.flotilla.agent.api.LeaseGrpc;
import io.flotilla.agent.api.WatchCall;
import io.flotilla.agent.api.WatchCreate;
import io.flotilla.agent.api.WatchGrpc;
import io.flotilla.agent.api.WatchReply;
import io.flotilla.chaos.checkers.Validity;
import io.flotilla.chaos.history.EventType;
import io.flotilla.chaos.history.History;
import io.flotilla.chaos.history.Operation;
import io.flotilla.chaos.history.Outcome;
import io.flotilla.consensus.proto.Event;
import io.flotilla.consensus.proto.LeaseKeepAliveResponse;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Clients campaign for one coordinator role with the election recipe (each on a short lease of
 * its own), hold it for a while and resign. Judged two ways:
 *
 * <ul>
 *   <li>{@code one-holder}, from the committed history: replaying every committed change to the
 *       candidates' keys gives the holder at each revision (the key created first), so at most
 *       one at a time; every client that was told it won must appear there as a holder.
 *   <li>{@code holds-apart}, in real time: a winner renews its lease once and then holds the
 *       role only as long as the README lets a holder assume, from winning until it resigns or
 *       a TTL after it sent that keep-alive (the grant, if the keep-alive went unanswered),
 *       whichever is first; a win answered after that holds nothing. No two holds may overlap.
 *       A lease that ends early (its leader's wall clock stepped, say) lets the next candidate
 *       win while the holder still rightly believes it holds: two coordinators at once.
 * </ul>
 *
 * All clients run in one process, so their holds are measured on one monotonic clock.
 */
public final class ElectionWorkload implements Workload {
  private static final String NAME = "coordinator";
  private static final String PREFIX = "election/" + NAME + "/";
  /** Sorts after every candidate key and is created last: never a holder. */
  private static final String END = PREFIX + "~end";
  private static final long TTL_MILLIS = 2_000;
  /** How long a winner holds the role: most of the TTL its keep-alive bought. */
  private static final long HOLD_MILLIS = 1_500;

  @Override
  public String name() {
    return "election";
  }

  @Override
  public Op next(Random random, int process) {
    return new Op("acquire", null, "p" + process);
  }

  @Override
  public Optional<Op> finalRead() {
    return Optional.of(new Op("committed", null, null));
  }

  @Override
  public Completion perform(Op op, AgentClient client) {
    try {
      return op.function().equals("acquire") ? acquire(op, client) : committed(client);
    } catch (StatusRuntimeException e) {
      return new Completion(AgentClient.outcomeOf(e), null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Completion(EventType.INFO, null);
    }
  }

  private static Completion acquire(Op op, AgentClient client) throws InterruptedException {
    long granted = System.nanoTime();
    long lease = LeaseGrpc.newBlockingStub(client.channel()).withDeadlineAfter(2, TimeUnit.SECONDS)
        .grant(LeaseGrantCall.newBuilder().setTtlMillis(TTL_MILLIS).build()).getId();
    LeaderKey key = ElectionGrpc.newBlockingStub(client.channel())
        .withDeadlineAfter(3, TimeUnit.SECONDS)
        .campaign(CampaignCall.newBuilder().setName(NAME)
            .setValue(ByteString.copyFromUtf8((String) op.value())).setLease(lease).build());
    long won = System.nanoTime();
    long renewed = System.nanoTime();
    boolean renewedInTime = keepAliveOnce(client, lease);
    // A TTL after the latest grant or keep-alive it sent that was answered, as the README
    // lets a holder assume. A win answered after that is no hold: the candidacy was read while
    // the lease lived, and the answer came too late to act on.
    long believedUntil = (renewedInTime ? renewed : granted)
        + TimeUnit.MILLISECONDS.toNanos(TTL_MILLIS);
    Thread.sleep(HOLD_MILLIS);
    long released = System.nanoTime();
    try {
      ElectionGrpc.newBlockingStub(client.channel()).withDeadlineAfter(2, TimeUnit.SECONDS)
          .resign(key);
      LeaseGrpc.newBlockingStub(client.channel()).withDeadlineAfter(2, TimeUnit.SECONDS)
          .revoke(LeaseCall.newBuilder().setId(lease).build());
    } catch (StatusRuntimeException e) {
      // the role ends with the lease anyway; it was held, which is what this op reports
    }
    return Completion.ok(List.of(key.getKey().toStringUtf8(), key.getCreateRevision(), won,
        Math.max(won, Math.min(released, believedUntil))));
  }

  /** Sends one keep-alive and waits for its answer; false when none came in time. */
  private static boolean keepAliveOnce(AgentClient client, long lease)
      throws InterruptedException {
    CompletableFuture<LeaseKeepAliveResponse> answer = new CompletableFuture<>();
    StreamObserver<LeaseCall> calls = LeaseGrpc.newStub(client.channel())
        .withDeadlineAfter(2, TimeUnit.SECONDS).keepAlive(new StreamObserver<>() {
          @Override
          public void onNext(LeaseKeepAliveResponse r) {
            answer.complete(r);
          }

          @Override
          public void onError(Throwable t) {
            answer.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {
            answer.completeExceptionally(new IllegalStateException("no keep-alive answer"));
          }
        });
    calls.onNext(LeaseCall.newBuilder().setId(lease).build());
    try {
      return answer.get(2, TimeUnit.SECONDS).getTtlMillis() > 0;
    } catch (ExecutionException | TimeoutException e) {
      return false;
    } finally {
      calls.onCompleted();
    }
  }

  /** Every committed change to the candidates' keys, in revision order. */
  private static Completion committed(AgentClient client) throws InterruptedException {
    client.put(END, "end");
    BlockingQueue<WatchReply> replies = new LinkedBlockingQueue<>();
    StreamObserver<WatchCall> calls = WatchGrpc.newStub(client.channel()).watch(new StreamObserver<>() {
      @Override
      public void onNext(WatchReply r) {
        replies.add(r);
      }

      @Override
      public void onError(Throwable t) {
        replies.add(WatchReply.newBuilder().setCanceled(true).setCancelReason(String.valueOf(t)).build());
      }

      @Override
      public void onCompleted() {}
    });
    calls.onNext(WatchCall.newBuilder().setCreate(WatchCreate.newBuilder()
        .setKey(ByteString.copyFromUtf8(PREFIX)).setPrefix(true).setStartRevision(1)).build());
    List<Object> changes = new ArrayList<>();
    try {
      while (true) {
        WatchReply r = replies.poll(10, TimeUnit.SECONDS);
        if (r == null || r.getCanceled()) {
          return new Completion(EventType.INFO, null);
        }
        for (Event e : r.getEventsList()) {
          String key = e.getKv().getKey().toStringUtf8();
          if (key.equals(END)) {
            return Completion.ok(changes);
          }
          long created = e.getType() == Event.Type.PUT
              ? e.getKv().getCreateRevision() : e.getPrevKv().getCreateRevision();
          changes.add(List.of(e.getType().name(), key, created, e.getKv().getModRevision()));
        }
      }
    } finally {
      calls.onCompleted();
    }
  }

  @Override
  public List<Check> check(History history) {
    Optional<Operation> read = history.operations().stream()
        .filter(op -> op.function().equals("committed") && op.outcome() == Outcome.OK)
        .reduce((a, b) -> b);
    if (read.isEmpty()) {
      return List.of(new Check("one-holder", Validity.UNKNOWN,
          "no committed history could be read", Optional.empty()));
    }
    Set<List<Object>> held = new HashSet<>();
    Map<String, Long> candidates = new TreeMap<>();
    for (Object o : (List<?>) read.get().output()) {
      List<?> change = (List<?>) o;
      String key = (String) change.get(1);
      long created = ((Number) change.get(2)).longValue();
      if (change.get(0).equals("PUT")) {
        candidates.putIfAbsent(key, created);
      } else {
        candidates.remove(key);
      }
      candidates.entrySet().stream().min(Map.Entry.comparingByValue())
          .ifPresent(h -> held.add(List.of(h.getKey(), h.getValue())));
    }
    List<String> impostors = new ArrayList<>();
    int claims = 0;
    for (Operation op : history.operations()) {
      if (op.function().equals("acquire") && op.outcome() == Outcome.OK) {
        claims++;
        List<?> claim = (List<?>) op.output();
        if (!held.contains(List.of(claim.get(0), ((Number) claim.get(1)).longValue()))) {
          impostors.add(op.input() + " as " + claim.get(0));
        }
      }
    }
    Validity validity = !impostors.isEmpty() ? Validity.INVALID
        : claims == 0 ? Validity.UNKNOWN : Validity.VALID;
    return List.of(new Check("one-holder", validity, claims + " wins, " + held.size()
        + " tenures in the committed history" + (impostors.isEmpty() ? ""
            : "; told they won but never held the role: " + impostors), Optional.empty()),
        holdsApart(history));
  }

  /** Whether the holds clients were entitled to believe in ever overlapped in real time. */
  static Check holdsApart(History history) {
    List<long[]> holds = new ArrayList<>();
    List<String> who = new ArrayList<>();
    for (Operation op : history.operations()) {
      if (op.function().equals("acquire") && op.outcome() == Outcome.OK) {
        List<?> claim = (List<?>) op.output();
        // A win whose entitlement had ended by the time it was answered holds nothing.
        if (claim.size() == 4 && ((Number) claim.get(3)).longValue()
            > ((Number) claim.get(2)).longValue()) {
          holds.add(new long[] {((Number) claim.get(2)).longValue(),
              ((Number) claim.get(3)).longValue(), who.size()});
          who.add(op.input() + " as " + claim.get(0));
        }
      }
    }
    holds.sort(java.util.Comparator.comparingLong(h -> h[0]));
    List<String> overlaps = new ArrayList<>();
    long[] longest = null;
    for (long[] h : holds) {
      if (longest != null && h[0] < longest[1]) {
        overlaps.add(who.get((int) h[2]) + " won " + (longest[1] - h[0]) / 1_000_000
            + " ms before " + who.get((int) longest[2]) + "'s hold ended");
      }
      if (longest == null || h[1] > longest[1]) {
        longest = h;
      }
    }
    Validity validity = !overlaps.isEmpty() ? Validity.INVALID
        : holds.isEmpty() ? Validity.UNKNOWN : Validity.VALID;
    return new Check("holds-apart", validity, holds.size() + " holds" + (overlaps.isEmpty()
        ? ", none overlapping" : "; two holders at once: " + overlaps.stream().limit(5).toList()
            + (overlaps.size() > 5 ? " and " + (overlaps.size() - 5) + " more" : "")),
        Optional.empty());
  }
}
