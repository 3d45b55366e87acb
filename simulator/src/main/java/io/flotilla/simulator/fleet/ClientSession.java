package io.flotilla.simulator.fleet;

import com.google.protobuf.ByteString;
import io.flotilla.simulator.kernel.Event;
import io.flotilla.simulator.kernel.TraceHash;
import java.util.HashMap;
import java.util.Map;

/**
 * The client side of one member: sends requests to the member it believes leads a group (its
 * own, or another one over an uplink), follows leader hints, retries on timeouts, and gives up
 * after {@link #MAX_ATTEMPTS}. Writes may therefore apply more than once; the workload makes
 * every write safe to repeat. In its own group a member knows the leader from its Raft node;
 * towards another group it goes by the hints it was given, and a retry without one tries the
 * next member.
 */
public final class ClientSession {
  public static final int MAX_ATTEMPTS = 4;

  /** Gets the reply payload, or null if the request was given up. */
  @FunctionalInterface
  public interface Callback {
    /**
     * @param payload the state machine's reply, or null when the request failed
     * @param sentAt when the acknowledged attempt was sent (its effects happened after this)
     */
    void done(ByteString payload, long sentAt);
  }

  private static final class Call {
    final long id;
    final boolean read;
    final ByteString payload;
    final Callback callback;
    final long firstSent;
    int attempt;

    Call(long id, boolean read, ByteString payload, Callback callback, long firstSent) {
      this.id = id;
      this.read = read;
      this.payload = payload;
      this.callback = callback;
      this.firstSent = firstSent;
    }
  }

  private final Member member;
  private final Group target;
  private final Map<Long, Call> calls = new HashMap<>();
  private long nextId;
  private int guess;

  ClientSession(Member member, Group target) {
    this.member = member;
    this.target = target;
  }

  Member member() {
    return member;
  }

  /** Proposes a command through the group's leader. */
  public void write(ByteString command, Callback callback) {
    start(false, command, callback);
  }

  /** Reads from the leader's state under its lease. */
  public void read(ByteString query, Callback callback) {
    start(true, query, callback);
  }

  private void start(boolean read, ByteString payload, Callback callback) {
    Call c = new Call(++nextId, read, payload, callback, member.context().kernel().now());
    calls.put(c.id, c);
    attempt(c, -1);
  }

  private void attempt(Call c, int hint) {
    if (member.node() == null) {
      return;
    }
    if (++c.attempt > MAX_ATTEMPTS) {
      finish(c, null, 0);
      return;
    }
    int leader;
    if (target == member.group()) {
      leader = hint >= 0 ? hint : member.node().leader();
    } else {
      guess = hint >= 0 ? hint : c.attempt > 1 ? (guess + 1) % target.members().size() : guess;
      leader = guess;
    }
    long now = member.context().kernel().now();
    if (leader < 0) {
      // Nobody known to lead yet: ask again after a heartbeat's time.
      schedule(c, target.timing().heartbeat());
      return;
    }
    member.context().network().request(member, target.member(leader),
        new ClientRequest(this, c.id, c.attempt, now, c.read, c.payload));
    schedule(c, target.requestTimeout());
  }

  void onReply(ClientReply r) {
    Call c = calls.get(r.id());
    if (c == null) {
      return;
    }
    if (r.status() == ClientReply.Status.OK) {
      finish(c, r.payload(), r.sentAt());
    } else if (r.attempt() == c.attempt) {
      int hint = r.status() == ClientReply.Status.NOT_LEADER ? r.leaderHint() : -1;
      if (hint >= 0) {
        attempt(c, hint);
      } else {
        schedule(c, target.timing().heartbeat());
      }
    }
  }

  private void finish(Call c, ByteString payload, long sentAt) {
    calls.remove(c.id);
    long now = member.context().kernel().now();
    member.context().observer().requestDone(member, !c.read, payload != null, now - c.firstSent);
    c.callback.done(payload, sentAt);
  }

  /** Forgets every call: a crashed agent's callbacks never run. */
  void crash() {
    calls.clear();
  }

  private void schedule(Call c, long delay) {
    int attempt = c.attempt;
    int life = member.agent().life();
    member.context().kernel().after(delay, new Event() {
      @Override
      protected void fire() {
        if (member.agent().life() == life && calls.get(c.id) == c && c.attempt == attempt) {
          attempt(c, -1);
        }
      }

      @Override
      protected long fingerprint() {
        return TraceHash.mix(3, TraceHash.mix(member.agent().id(), c.id * 8 + attempt));
      }

      @Override
      public String describe() {
        return member.name() + " retries request #" + c.id + " after attempt " + attempt;
      }
    });
  }
}
