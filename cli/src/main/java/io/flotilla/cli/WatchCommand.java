package io.flotilla.cli;

import io.flotilla.agent.api.WatchCall;
import io.flotilla.agent.api.WatchCreate;
import io.flotilla.agent.api.WatchGrpc;
import io.flotilla.agent.api.WatchReply;
import io.flotilla.consensus.proto.Event;
import io.grpc.stub.StreamObserver;
import java.io.PrintWriter;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Streams the events on a key or prefix until interrupted (or --count events). */
@Command(name = "watch", mixinStandardHelpOptions = true,
    description = {"Print every change to a key, or to keys under a prefix, as it commits.",
        "With -o json, one JSON object per line.", "",
        "Examples:", "  flotilla watch --prefix mission/", "  flotilla watch plan --rev 1 --count 10 -o json"})
final class WatchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ClientOptions client;
  @Parameters(index = "0", paramLabel = "KEY") String key;
  @Option(names = "--prefix", description = "Watch every key starting with KEY.") boolean prefix;
  @Option(names = "--rev", defaultValue = "0", description = "Start at this revision (0: from now).") long rev;
  @Option(names = "--count", defaultValue = "0", description = "Stop after this many events (0: never).") long count;

  private sealed interface Item {}

  private record Events(WatchReply reply) implements Item {}

  private record Ended(Throwable error) implements Item {}

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    BlockingQueue<Item> items = new LinkedBlockingQueue<>();
    try (Api api = client.connect()) {
      StreamObserver<WatchCall> requests = WatchGrpc.newStub(api.channel(0))
          .watch(new StreamObserver<>() {
            @Override
            public void onNext(WatchReply r) {
              items.add(new Events(r));
            }

            @Override
            public void onError(Throwable t) {
              items.add(new Ended(t));
            }

            @Override
            public void onCompleted() {
              items.add(new Ended(null));
            }
          });
      requests.onNext(WatchCall.newBuilder().setCreate(WatchCreate.newBuilder()
          .setGroup(client.group).setKey(KvCommands.utf8(key)).setPrefix(prefix)
          .setStartRevision(rev)).build());
      long seen = 0;
      while (count == 0 || seen < count) {
        Item item = items.take();
        if (item instanceof Ended ended) {
          if (ended.error() instanceof io.grpc.StatusRuntimeException s) {
            throw s;
          }
          throw CliException.refused("the watch stream ended");
        }
        WatchReply r = ((Events) item).reply();
        if (r.getCanceled()) {
          throw CliException.refused("watch canceled: " + r.getCancelReason());
        }
        for (Event e : r.getEventsList()) {
          if (client.output == ClientOptions.Format.table) {
            out.println(e.getType() + " " + e.getKv().getKey().toStringUtf8()
                + (e.getType() == Event.Type.PUT ? " " + e.getKv().getValue().toStringUtf8() : "")
                + " @" + e.getKv().getModRevision());
          } else {
            out.println(Output.line(Output.event(e)));
          }
          out.flush();
          if (++seen == count) {
            break;
          }
        }
      }
      requests.onCompleted();
      return 0;
    }
  }
}
