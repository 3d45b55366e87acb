package io.flotilla.cli.bench;

import io.flotilla.consensus.group.FleetGroup;
import io.flotilla.consensus.group.FleetPeer;
import io.flotilla.consensus.server.FleetServer;
import io.flotilla.consensus.server.TuningProfile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;

/**
 * One member of the baseline group: a plain Ratis server running {@link CounterStateMachine},
 * with exactly the Ratis settings (storage, log sync, timeouts, gRPC transport) a
 * {@link FleetServer} of the same profile runs with. Runs until the process is told to stop.
 *
 * <p>Usage: {@code CounterServer DATA_DIR ID PROFILE MEMBER...}, each member {@code ID=HOST:PORT};
 * this server is the member named {@code ID}.
 */
public final class CounterServer {
  static final String GROUP = "counter";

  private CounterServer() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    if (args.length < 4) {
      System.err.println("usage: CounterServer DATA_DIR ID lan|radio ID=HOST:PORT...");
      System.exit(2);
    }
    String id = args[1];
    List<FleetPeer> members = new ArrayList<>();
    for (int i = 3; i < args.length; i++) {
      String[] m = args[i].split("=", 2);
      members.add(FleetPeer.voter(m[0], m[1]));
    }
    FleetGroup group = new FleetGroup(GROUP, members);
    String address = group.peer(id).orElseThrow(
        () -> new IllegalArgumentException(id + " is not a member")).address();
    int colon = address.lastIndexOf(':');
    RaftServer server = RaftServer.newBuilder()
        .setServerId(RaftPeerId.valueOf(id))
        .setGroup(group.toRatis())
        .setProperties(FleetServer.builder()
            .id(id)
            .address(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)))
            .storageDir(Path.of(args[0]))
            .profile(TuningProfile.valueOf(args[2].toUpperCase(java.util.Locale.ROOT)))
            .ratisProperties())
        .setStateMachine(new CounterStateMachine())
        .setOption(RaftStorage.StartupOption.FORMAT)
        .build();
    server.start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        server.close();
      } catch (IOException e) {
        System.err.println("closing " + id + " failed: " + e.getMessage());
      }
      stopped.countDown();
    }, "counter-shutdown"));
    System.out.println("counter server " + id + " running on " + address);
    stopped.await();
  }
}
