package io.flotilla.cli;

import io.flotilla.agent.api.CampaignCall;
import io.flotilla.agent.api.ElectionGrpc;
import io.flotilla.agent.api.LeaderKey;
import io.flotilla.agent.api.LeaseCall;
import io.flotilla.agent.api.LeaseGrantCall;
import io.flotilla.agent.api.LeaseGrpc;
import io.flotilla.consensus.proto.LeaseKeepAliveResponse;
import io.grpc.stub.StreamObserver;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Campaigns for a named role and holds it until interrupted. */
@Command(name = "elect", mixinStandardHelpOptions = true,
    description = {"Campaign for a role as NAME with VALUE; once elected, hold the role (keeping a",
        "lease alive) until Ctrl-C or --for, then resign. If the lease is lost, so is the role",
        "and the command exits with code 1.", "",
        "Examples:", "  flotilla elect mission-coordinator drone-7",
        "  flotilla elect mission-coordinator drone-7 --ttl 5s --for 1m"})
final class ElectCommand implements java.util.concurrent.Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ClientOptions client;
  @Parameters(index = "0", paramLabel = "NAME") String name;
  @Parameters(index = "1", paramLabel = "VALUE") String value;
  @Option(names = "--ttl", defaultValue = "10s", converter = DurationConverter.class,
      description = "Lease TTL: how long the role outlives this process (default ${DEFAULT-VALUE}).")
  Duration ttl;
  @Option(names = "--for", converter = DurationConverter.class,
      description = "Resign after holding the role this long (default: until interrupted).")
  Duration holdFor;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    CountDownLatch done = new CountDownLatch(1);
    AtomicReference<Throwable> lost = new AtomicReference<>();
    try (Api api = client.connect()) {
      long lease = api.call(ch -> LeaseCommand.stub(api, ch).grant(LeaseGrantCall.newBuilder()
          .setGroup(client.group).setTtlMillis(ttl.toMillis()).build())).getId();
      StreamObserver<LeaseCall> keepAlive = LeaseGrpc.newStub(api.channel(0)).keepAlive(
          new StreamObserver<LeaseKeepAliveResponse>() {
            @Override
            public void onNext(LeaseKeepAliveResponse r) {}

            @Override
            public void onError(Throwable t) {
              lost.set(t);
              done.countDown();
            }

            @Override
            public void onCompleted() {}
          });
      LeaseCall ping = LeaseCall.newBuilder().setGroup(client.group).setId(lease).build();
      long every = Math.max(100, ttl.toMillis() / 3);
      timer.scheduleAtFixedRate(() -> {
        synchronized (keepAlive) {
          keepAlive.onNext(ping);
        }
      }, every, every, TimeUnit.MILLISECONDS);

      LeaderKey key = ElectionGrpc.newBlockingStub(api.channel(0)).campaign(CampaignCall.newBuilder()
          .setGroup(client.group).setName(name).setValue(KvCommands.utf8(value)).setLease(lease)
          .build());
      Output.print(out, client.output, Output.JSON.objectNode().put("elected", true)
              .put("name", name).put("value", value).put("key", key.getKey().toStringUtf8())
              .put("lease", lease),
          new Output.Table().note("elected " + name + " as " + value + " (lease " + lease
              + "); holding until " + (holdFor == null ? "Ctrl-C" : DurationConverter.format(holdFor))));
      Thread resign = new Thread(() -> resign(api, key, lease), "flotilla-resign");
      Runtime.getRuntime().addShutdownHook(resign);
      boolean lostRole = holdFor == null
          ? waitForever(done) : done.await(holdFor.toMillis(), TimeUnit.MILLISECONDS);
      if (lostRole) {
        throw CliException.refused("lost the role: " + (lost.get() == null ? "lease ended"
            : Api.describe(lost.get() instanceof io.grpc.StatusRuntimeException s ? s : null)));
      }
      Runtime.getRuntime().removeShutdownHook(resign);
      resign(api, key, lease);
      out.println(client.output == ClientOptions.Format.table ? "resigned" : "");
      out.flush();
      return 0;
    } finally {
      timer.shutdownNow();
    }
  }

  private static boolean waitForever(CountDownLatch done) throws InterruptedException {
    done.await();
    return true;
  }

  private void resign(Api api, LeaderKey key, long lease) {
    try {
      ElectionGrpc.newBlockingStub(api.channel(0)).withDeadlineAfter(3, TimeUnit.SECONDS).resign(key);
      LeaseGrpc.newBlockingStub(api.channel(0)).withDeadlineAfter(3, TimeUnit.SECONDS)
          .revoke(LeaseCall.newBuilder().setGroup(client.group).setId(lease).build());
    } catch (RuntimeException e) {
      // the lease will expire on its own; the role goes with it
    }
  }
}
