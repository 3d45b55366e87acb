package io.flotilla.agent;

import io.flotilla.agent.api.KVGrpc;
import io.flotilla.agent.access.AccessInterceptor;
import io.flotilla.agent.access.AccessPolicy;
import io.flotilla.agent.calls.Caller;
import io.flotilla.agent.config.AgentConfig;
import io.flotilla.agent.grpc.ClusterService;
import io.flotilla.agent.grpc.ElectionService;
import io.flotilla.agent.grpc.Groups;
import io.flotilla.agent.grpc.KvService;
import io.flotilla.agent.grpc.LeaseService;
import io.flotilla.agent.grpc.MalformedRequests;
import io.flotilla.agent.grpc.QuorumGate;
import io.flotilla.agent.grpc.StatusService;
import io.flotilla.agent.grpc.WatchService;
import io.flotilla.agent.limits.ClientLimiter;
import io.flotilla.agent.metrics.GroupMonitor;
import io.flotilla.agent.metrics.MetricsEndpoint;
import io.flotilla.agent.metrics.NodeMetrics;
import io.flotilla.agent.trust.AgentTrust;
import io.flotilla.consensus.client.FleetClient;
import io.flotilla.consensus.proto.LeaseInfo;
import io.flotilla.consensus.group.FleetGroup;
import io.flotilla.consensus.group.FleetPeer;
import io.flotilla.consensus.server.FleetServer;
import io.flotilla.consensus.server.GroupStatus;
import io.grpc.Metadata;
import io.micrometer.core.instrument.Tags;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.Closeable;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import io.flotilla.agent.forward.Forwarding;
import io.flotilla.agent.forward.ForwardingLoop;
import io.flotilla.agent.presence.Presence;
import io.flotilla.agent.presence.PresenceKeeper;
import io.flotilla.agent.presence.RestartCount;
import io.flotilla.agent.voters.VoterSteward;
import io.flotilla.consensus.voters.VoterChange;
import io.flotilla.consensus.voters.VoterPolicy;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An agent-node process's body: the agent's Raft server for its groups, its gRPC API, and its
 * metrics endpoint. {@link #close} shuts down gracefully: where this node leads a group, it
 * first hands leadership to the most caught-up voter.
 */
public final class AgentNode implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(AgentNode.class);
  /** Pause between attempts of an API call that found no leader. */
  private static final Duration RETRY_SLEEP = Duration.ofMillis(20);

  private final AgentConfig config;
  private final FleetServer server;
  private final Map<String, FleetClient> clients = new LinkedHashMap<>();
  /**
   * Clients of the councils this node forwards to without being a member: one per council,
   * shared by every route to it. An agent's signed proposals to a group carry one sequence,
   * which only one client can keep in order.
   */
  private final Map<String, FleetClient> councilClients = new LinkedHashMap<>();
  private final ScheduledExecutorService timer;
  /** Presence and voter management: blocking group calls, kept off the monitor's thread. */
  private final ScheduledExecutorService duties;
  private final PresenceKeeper presence;
  private final List<ForwardingLoop> forwarding = new ArrayList<>();
  private final Server grpc;
  private final MetricsEndpoint metrics;

  private AgentNode(AgentConfig config, LongSupplier nanoClock) throws IOException {
    this.config = config;
    FleetServer.Builder b = FleetServer.builder()
        .id(config.id())
        .address(config.raftAddress().host(), config.raftAddress().port())
        .storageDir(config.dataDir().resolve("raft"))
        .profile(config.profile())
        .readMode(config.readMode())
        .limits(config.limits())
        .requireSignatures(config.requireSignedProposals());
    AgentTrust trust = config.tls() == null ? null : AgentTrust.load(config.tls());
    if (trust != null) {
      b.tls(trust.raft());
    }
    config.groups().stream().filter(g -> !config.joining().contains(g.name())).forEach(b::group);
    if (config.requireSignedProposals() && config.identityKey() == null) {
      LOG.warn("signed-proposals: required, but no identity-key: the groups will refuse every "
          + "write sent through this agent");
    }
    if (config.unsafeLocalReads()) {
      LOG.warn("read-mode unsafe-local: linearizable reads are served from this node's own "
          + "state and can be stale; for testing the chaos suite only");
    }
    server = b.build().start();
    // What a later step's failure must stop, last started first.
    Deque<Stop> started = new ArrayDeque<>();
    started.push(server::close);
    try {
      for (String g : config.joining()) {
        if (!server.hosts(g)) {
          server.joinGroup(g);
          LOG.info("group {}: waiting for its leader to add {}", g, config.id());
        }
      }
      Duration deadline = config.profile().requestTimeout().multipliedBy(2);
      for (FleetGroup g : config.groups()) {
        FleetClient client = clientOf(g, config, deadline, trust);
        clients.put(g.name(), client);
        started.push(client::close);
      }
      // Presence is for voter management: published only where a group's leader manages its
      // voters, so unmanaged groups pay no lease renewals for it.
      Map<String, FleetClient> managed = new LinkedHashMap<>(clients);
      managed.keySet().retainAll(config.targetVoters().keySet());
      duties = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "flotilla-duties");
        t.setDaemon(true);
        return t;
      });
      started.push(duties::shutdownNow);
      presence = new PresenceKeeper(config.id(), managed, new Presence(config.kind(),
          config.voterEligible(), -1, -1,
          RestartCount.recordStart(config.dataDir(), System.currentTimeMillis())), duties);
      started.push(() -> presence.close(Duration.ZERO));
      Groups groups = new Groups(clients);
      GroupMonitor monitor = new GroupMonitor(server, groups(config));
      NodeMetrics nodeMetrics = new NodeMetrics(server, monitor);
      monitor.onChange(nodeMetrics::onChange);
      monitor.onChange(change -> {
        String leader = change.after().leaderId();
        FleetClient client = clients.get(change.group());
        if (change.leaderChanged() && !leader.isEmpty() && client != null) {
          client.leaderSeen(leader);
        }
      });
      timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "flotilla-monitor");
        t.setDaemon(true);
        return t;
      });
      started.push(timer::shutdownNow);
      // A new leader is looked at at once; the poll catches what Ratis does not announce (a
      // member turning candidate, a snapshot taken), which only status and metrics show.
      server.onLeaderChange(() -> timer.execute(monitor::poll));
      timer.scheduleWithFixedDelay(monitor::poll, 0, GroupMonitor.POLL.toMillis(),
          TimeUnit.MILLISECONDS);
      duties.scheduleWithFixedDelay(presence::tick, 0, PresenceKeeper.RENEW.toMillis(),
          TimeUnit.MILLISECONDS);
      for (Map.Entry<String, Integer> v : config.targetVoters().entrySet()) {
        String g = v.getKey();
        Map<VoterChange.Kind, AtomicLong> made = new EnumMap<>(VoterChange.Kind.class);
        for (VoterChange.Kind k : VoterChange.Kind.values()) {
          made.put(k, new AtomicLong());
          nodeMetrics.exposeCount("flotilla_voter_changes", "Voter-set changes this node "
              + "made as its group's leader, by kind", Tags.of("group", g, "kind", k.name()),
              made.get(k), AtomicLong::get);
        }
        VoterSteward steward = new VoterSteward(g, server, clients.get(g),
            VoterPolicy.DEFAULT.withTargetVoters(v.getValue()),
            c -> made.get(c.kind()).incrementAndGet());
        duties.scheduleWithFixedDelay(steward::tick, 1, 1, TimeUnit.SECONDS);
      }
      for (Map.Entry<String, Forwarding> f : config.forwarding().entrySet()) {
        FleetGroup councilGroup = f.getValue().council();
        FleetClient council = clients.containsKey(councilGroup.name())
            ? clients.get(councilGroup.name())
            : councilClients.computeIfAbsent(councilGroup.name(), name -> {
              FleetClient c = clientOf(councilGroup, config, deadline, trust);
              started.push(c::close);
              return c;
            });
        ForwardingLoop loop = new ForwardingLoop(f.getKey(), server, f.getValue(),
            clients.get(f.getKey()), council).start();
        forwarding.add(loop);
        started.push(loop::close);
        Tags tags = Tags.of("group", f.getKey());
        nodeMetrics.exposeCount("flotilla_forwarded", "Changes this node forwarded between "
            + "its group and the council (both ways) as the group's leader", tags, loop,
            ForwardingLoop::forwarded);
        nodeMetrics.exposeCount("flotilla_forward_failures", "Forwarding rounds of a route "
            + "that could not reach the group or the council, or were refused", tags, loop,
            ForwardingLoop::failures);
        nodeMetrics.exposeLevel("flotilla_forward_stuck", "Routes of this group whose target "
            + "refuses what they must forward next (flotilla status gives the reason)", tags,
            loop, ForwardingLoop::stuck);
      }
      ClientLimiter limiter = new ClientLimiter(config.clientLimits(), nanoClock, nodeMetrics,
          group -> clients.get(group).leasesAsync().thenApply(r -> r.getLeasesList().stream()
              .map(LeaseInfo::getId).collect(Collectors.toSet())));
      timer.scheduleWithFixedDelay(limiter::sweep, 30, 30, TimeUnit.SECONDS);
      QuorumGate quorum = new QuorumGate(server, timer);
      StatusService status = new StatusService(groups, server, forwarding, Version.get(),
          config.apiAddress().toString());
      NettyServerBuilder api = NettyServerBuilder.forAddress(
          new InetSocketAddress(config.apiAddress().host(), config.apiAddress().port()));
      AccessInterceptor access = config.access() == null ? null
          : new AccessInterceptor(new AccessPolicy(config.access()));
      // Interceptors run last-added first: a call without a certificate is refused, then its
      // caller is named, held to the rate limit, and checked against the access list.
      if (access != null) {
        api.intercept(access);
      }
      api.intercept(limiter.rateLimit()).intercept(Caller.interceptor());
      if (trust != null) {
        api.sslContext(trust.apiServer()).intercept(trust.requireClient());
        nodeMetrics.exposeCount("flotilla_tls_refusals", "Certificates refused on Raft "
            + "traffic (channel=raft) and the API (channel=api)", Tags.of("channel", "raft"),
            trust, AgentTrust::refusedRaft);
        nodeMetrics.exposeCount("flotilla_tls_refusals", "Certificates refused on Raft "
            + "traffic (channel=raft) and the API (channel=api)", Tags.of("channel", "api"),
            trust, AgentTrust::refusedApi);
      }
      if (access != null) {
        nodeMetrics.exposeCount("flotilla_access_denied",
            "API calls refused by the access list", Tags.empty(), access, AccessInterceptor::denied);
      }
      grpc = api
          .addService(MalformedRequests.refused(new KvService(groups, quorum, config.id(),
              nodeMetrics, config.unsafeLocalReads())))
          .addService(MalformedRequests.refused(new LeaseService(groups, quorum, limiter.leases())))
          .addService(MalformedRequests.refused(new WatchService(groups, limiter.watches())))
          .addService(MalformedRequests.refused(new ElectionService(groups, quorum, limiter.watches())))
          .addService(MalformedRequests.refused(new ClusterService(groups, quorum, server, status, presence)))
          .addService(MalformedRequests.refused(status))
          .callExecutor(new DirectKeyCalls())
          .build()
          .start();
      started.push(grpc::shutdownNow);
      metrics = new MetricsEndpoint(new InetSocketAddress(config.metricsAddress().host(),
          config.metricsAddress().port()), nodeMetrics, monitor);
    } catch (IOException | RuntimeException e) {
      while (!started.isEmpty()) {
        try {
          started.pop().stop();
        } catch (Exception stopping) {
          e.addSuppressed(stopping);
        }
      }
      throw e;
    }
    LOG.info("agent {} up: raft {}, api {}:{}, metrics {}:{}, groups {}", config.id(),
        server.address(), config.apiAddress().host(), grpc.getPort(),
        config.metricsAddress().host(), metrics.port(), clients.keySet());
  }

  /** Stops one thing a start began. */
  private interface Stop {
    void stop() throws Exception;
  }

  /**
   * Key calls never block (they complete through the group's client), so they run on the
   * transport's threads; handing each to the shared executor cost a thread switch per call.
   */
  private static final class DirectKeyCalls implements ServerCallExecutorSupplier {
    @Override
    public <Q, R> Executor getExecutor(ServerCall<Q, R> call, Metadata headers) {
      return KVGrpc.SERVICE_NAME.equals(call.getMethodDescriptor().getServiceName())
          ? Runnable::run : null;
    }
  }

  private static java.util.List<String> groups(AgentConfig config) {
    return config.groups().stream().map(FleetGroup::name).toList();
  }

  /** Starts a node; the config must have passed {@code ConfigLoader.checkRunnable}. */
  public static AgentNode start(AgentConfig config) throws IOException {
    return start(config, System::nanoTime);
  }

  /**
   * Starts a node whose client limits count time on {@code nanoClock} (nanoseconds, as
   * {@link System#nanoTime}), so that a test can drive their token buckets.
   */
  public static AgentNode start(AgentConfig config, LongSupplier nanoClock) throws IOException {
    return new AgentNode(config, nanoClock);
  }

  public AgentConfig config() {
    return config;
  }

  public int apiPort() {
    return grpc.getPort();
  }

  public int metricsPort() {
    return metrics.port();
  }

  public FleetServer server() {
    return server;
  }

  /**
   * Runs a node in the foreground until the process is told to stop (SIGTERM, Ctrl-C), then
   * stops it gracefully. Prints one line saying where it serves once it is up.
   */
  public static void runUntilStopped(AgentConfig config, PrintWriter out)
      throws IOException, InterruptedException {
    AgentNode node = start(config);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        node.close();
      } catch (IOException | RuntimeException e) {
        LOG.warn("stopping agent {} failed: {}", config.id(), e.getMessage());
      }
    }, "flotilla-shutdown"));
    out.printf("agent %s running: api %s:%d, raft %s, metrics %s:%d, groups %s%n", config.id(),
        config.apiAddress().host(), node.apiPort(), node.server().address(),
        config.metricsAddress().host(), node.metricsPort(), node.clients.keySet());
    out.flush();
    node.grpc.awaitTermination();
  }

  @Override
  public void close() throws IOException {
    forwarding.forEach(ForwardingLoop::close);
    councilClients.values().forEach(FleetClient::close);
    duties.shutdownNow();
    try {
      duties.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
    }
    presence.close(Duration.ofSeconds(1));
    for (Map.Entry<String, FleetClient> e : clients.entrySet()) {
      handOffLeadership(e.getKey(), e.getValue());
    }
    grpc.shutdown();
    try {
      grpc.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
    }
    grpc.shutdownNow();
    metrics.close();
    timer.shutdownNow();
    clients.values().forEach(FleetClient::close);
    server.close();
    LOG.info("agent {} stopped", config.id());
  }

  /**
   * A client of {@code group} as this agent: its deadline, its TLS and its identity key. After a
   * leader dies, its calls resume as soon as an attempt finds the new leader.
   */
  private static FleetClient clientOf(FleetGroup group, AgentConfig config, Duration deadline,
      AgentTrust trust) {
    FleetClient.Builder client = FleetClient.builder(group)
        .timeout(deadline)
        .attemptTimeout(config.profile().attemptTimeout())
        .retries((int) (deadline.toMillis() / RETRY_SLEEP.toMillis()), RETRY_SLEEP);
    if (trust != null) {
      client.tls(trust.raft());
    }
    if (config.identityKey() != null) {
      client.signer(config.id(), config.identityKey());
    }
    return client.build();
  }

  private void handOffLeadership(String group, FleetClient client) {
    try {
      GroupStatus s = server.status(group);
      if (!s.isLeader()) {
        return;
      }
      FleetGroup g = client.group();
      Optional<GroupStatus.Follower> best = s.followers().stream()
          .filter(f -> g.peer(f.id()).map(p -> p.role() == FleetPeer.Role.VOTER).orElse(true))
          .max(Comparator.comparingLong(GroupStatus.Follower::matchIndex));
      if (best.isPresent()) {
        LOG.info("group {}: handing leadership to {} before shutdown", group, best.get().id());
        client.admin().transferLeadership(best.get().id());
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("group {}: leadership hand-off failed ({}); stopping anyway", group,
          e.getMessage());
    }
  }

  /** How long a graceful stop may take at most, for callers that wait on it. */
  public static Duration maxShutdown(AgentConfig config) {
    return config.profile().requestTimeout().multipliedBy(3);
  }
}
