package io.flotilla.cli;

import io.flotilla.cli.grpc.AgentChannels;
import io.flotilla.cli.dashboard.DashboardServer;
import io.flotilla.cli.dashboard.FleetPoller;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code flotilla dashboard}: an operator's live view of the fleet, in the browser. */
@Command(name = "dashboard", mixinStandardHelpOptions = true,
    description = {"Serve a live view of the fleet to a browser: each group's leader, term and",
        "commit rate; each member's role, lag, last contact, battery and link; voter changes",
        "with their reasons; forwarding routes. Polls every endpoint's status and each group's",
        "member list; members that stop answering show as stale, with the time since. It only",
        "reads. The same data as JSON at /api/fleet. Runs until interrupted.", "",
        "Example:", "  flotilla dashboard --endpoints 127.0.0.1:7101,127.0.0.1:7102,127.0.0.1:7103"})
final class DashboardCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ConnectionOptions connection;

  @Option(names = "--listen", defaultValue = "127.0.0.1:8080", paramLabel = "HOST:PORT",
      description = {"Where to serve the page (default ${DEFAULT-VALUE}; port 0: any free port).",
          "Off loopback, anyone who reaches the address reads what these credentials can."})
  String listen;

  @Option(names = "--interval", defaultValue = "1s", converter = DurationConverter.class,
      description = "How often to poll the fleet (default ${DEFAULT-VALUE}).")
  Duration interval;

  @Override
  public Integer call() throws InterruptedException {
    InetSocketAddress address = listenAddress(listen);
    if (interval.isNegative() || interval.isZero()) {
      throw CliException.usage("--interval must be positive");
    }
    Api.check(connection.endpoints);
    AgentChannels channels = new AgentChannels(connection.endpoints, connection.tls());
    FleetPoller poller = new FleetPoller(channels, connection.timeout, interval, Clock.systemUTC());
    DashboardServer server;
    try {
      server = new DashboardServer(address, poller::latest);
    } catch (IOException | RuntimeException e) {
      channels.close();
      throw e instanceof IOException
          ? CliException.usage("cannot listen on " + listen + ": " + e.getMessage())
          : (RuntimeException) e;
    }
    poller.start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      poller.close();
      channels.close();
    }, "flotilla-dashboard-stop"));
    PrintWriter out = spec.commandLine().getOut();
    out.printf("Dashboard: %s (the fleet as JSON at /api/fleet), polling %d endpoints every %s."
            + " Ctrl-C stops it.%n", server.url(), connection.endpoints.size(),
        DurationConverter.format(interval));
    out.flush();
    Thread.currentThread().join();
    return 0;
  }

  static InetSocketAddress listenAddress(String listen) {
    int colon = listen.lastIndexOf(':');
    if (colon <= 0 || !listen.substring(colon + 1).matches("\\d{1,5}")
        || Integer.parseInt(listen.substring(colon + 1)) > 65535) {
      throw CliException.usage("--listen '" + listen + "' is not host:port");
    }
    InetSocketAddress a = new InetSocketAddress(listen.substring(0, colon),
        Integer.parseInt(listen.substring(colon + 1)));
    if (a.isUnresolved()) {
      throw CliException.usage("--listen host '" + a.getHostString() + "' is not known");
    }
    return a;
  }
}
