package io.flotilla.simulator.ratis;

import com.google.protobuf.ByteString;
import io.flotilla.consensus.proto.Command;
import io.flotilla.consensus.proto.PutRequest;
import io.flotilla.consensus.ratis.RatisBytes;
import io.flotilla.consensus.group.FleetGroup;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.util.TimeDuration;

/**
 * Writes to every group's current leader, one attempt each, with a Ratis client beside it.
 * The client's path is not over the simulated radio and a write is not retried, so its latency
 * is the leader's proposal, replication to a majority over the radio and apply: what the model
 * engine measures as commit latency. A write with no known leader, or whose one attempt fails,
 * counts as failed. A Ratis client that saw a write fail with no retry left has closed its
 * ordered window for good, so the group's next write goes through a new client.
 *
 * <p>Calls finish on Ratis's threads; their outcomes wait in a queue for the simulation
 * thread to {@link #drain}. Everything else runs on the simulation thread.
 */
final class RatisWorkload implements AutoCloseable {
  /** One finished write: its group, how long it took in microseconds, and whether it was ok. */
  record Outcome(int group, long micros, boolean ok) {}

  private final List<RaftGroup> groups = new ArrayList<>();
  private final RaftClient[] clients;
  private final String[] leaders;
  /** Groups whose client failed a write since it was made: Ratis refuses its later writes. */
  private final boolean[] broken;
  private final RaftProperties properties = new RaftProperties();
  private final Parameters parameters = new Parameters();
  private final ConcurrentLinkedQueue<Outcome> done = new ConcurrentLinkedQueue<>();
  /** The clients that failed a write, by group: a replaced client's failures change nothing. */
  private final ConcurrentLinkedQueue<Failed> failed = new ConcurrentLinkedQueue<>();
  private long written;

  private record Failed(int group, RaftClient client) {}

  RatisWorkload(List<FleetGroup> fleetGroups, Duration requestTimeout, RadioLinks radio) {
    RadioTransport.use(radio, properties, parameters);
    fleetGroups.forEach(g -> groups.add(g.toRatis()));
    clients = new RaftClient[groups.size()];
    leaders = new String[groups.size()];
    broken = new boolean[groups.size()];
    RaftClientConfigKeys.Rpc.setRequestTimeout(properties,
        TimeDuration.valueOf(requestTimeout.toMillis(), TimeUnit.MILLISECONDS));
  }

  /** Sends group {@code group}'s writes to {@code leader} from now on (null: nobody leads). */
  void leaderIs(int group, String leader) {
    if (leader != null && leader.equals(leaders[group])) {
      return;
    }
    leaders[group] = leader;
    renew(group);
  }

  private void renew(int group) {
    closeClient(group);
    broken[group] = false;
    String leader = leaders[group];
    if (leader != null) {
      clients[group] = RaftClient.newBuilder().setProperties(properties)
          .setParameters(parameters).setRaftGroup(groups.get(group))
          .setClientId(ClientId.randomId())
          .setLeaderId(RaftPeerId.valueOf(leader))
          .setRetryPolicy(RetryPolicies.noRetry()).build();
    }
  }

  /** Writes one key of {@code member} through group {@code group}'s leader; non-blocking. */
  void write(int group, String member) {
    if (broken[group]) {
      renew(group);
    }
    RaftClient client = clients[group];
    if (client == null) {
      done.add(new Outcome(group, 0, false));
      return;
    }
    Command put = Command.newBuilder().setPut(PutRequest.newBuilder()
        .setKey(ByteString.copyFromUtf8("agents/" + member))
        .setValue(ByteString.copyFromUtf8(Long.toString(++written)))).build();
    long started = System.nanoTime();
    client.async().send(RatisBytes.message(put.toByteString())).whenComplete((reply, error) -> {
      boolean ok = error == null && reply.isSuccess();
      if (!ok) {
        failed.add(new Failed(group, client));
      }
      done.add(new Outcome(group, (System.nanoTime() - started) / 1000, ok));
    });
  }

  /** The writes finished since the last call. */
  List<Outcome> drain() {
    List<Outcome> out = new ArrayList<>();
    for (Outcome o = done.poll(); o != null; o = done.poll()) {
      out.add(o);
    }
    for (Failed f = failed.poll(); f != null; f = failed.poll()) {
      if (clients[f.group()] == f.client()) {
        broken[f.group()] = true;
      }
    }
    return out;
  }

  private void closeClient(int group) {
    RaftClient c = clients[group];
    clients[group] = null;
    if (c != null) {
      try {
        c.close();
      } catch (IOException e) {
        // A client that fails to close holds nothing the simulation needs.
      }
    }
  }

  @Override
  public void close() {
    for (int g = 0; g < clients.length; g++) {
      closeClient(g);
    }
  }
}
