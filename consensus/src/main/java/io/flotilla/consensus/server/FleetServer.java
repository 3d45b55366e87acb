package io.flotilla.consensus.server;

import io.flotilla.consensus.group.FleetGroup;
import io.flotilla.consensus.kv.FleetStateMachine;
import io.flotilla.consensus.kv.Limits;
import io.flotilla.consensus.ratis.RatisStateMachine;
import io.flotilla.consensus.tls.MutualTls;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.GroupManagementRequest;
import org.apache.ratis.protocol.LeaderElectionManagementRequest;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SnapshotManagementRequest;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftConfiguration;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One agent's Raft server: hosts its replicas of one or more groups (Ratis multi-raft), each
 * running a {@link FleetStateMachine}, on one gRPC port and one storage directory.
 *
 * <p>Reads that clients ask to be linearizable go through ReadIndex, or the leader's lease
 * with {@link ReadMode#LEADER_LEASE}. Snapshots are taken automatically every
 * {@code snapshotThreshold} entries and the log is purged up to them; a follower that falls
 * behind the purged log is brought up to date by installing the leader's snapshot. Leases are
 * expired by the leader of each group, through the log.
 *
 * <p>A server restarted on the same storage directory and address recovers every group it was
 * a member of, with every entry it had acknowledged.
 */
public final class FleetServer implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(FleetServer.class);

  private final Builder config;
  private final RaftServer server;
  private final ScheduledExecutorService timers;
  /** This server's periodic work on {@link #timers}. */
  private final List<ScheduledFuture<?>> duties = new CopyOnWriteArrayList<>();
  private final LeaderDuties leaderDuties;
  private final AtomicLong callIds = new AtomicLong();
  /** The client id of this server's own proposals: only those may expire leases or set rules. */
  private final ClientId ownProposals = ClientId.randomId();
  private final Map<RaftGroupId, QuorumView> quorumViews = new ConcurrentHashMap<>();
  private final List<Runnable> leaderChangeListeners = new CopyOnWriteArrayList<>();
  private volatile String address;

  private FleetServer(Builder b) throws IOException {
    this.config = b;
    RaftProperties properties = properties(b);
    Parameters parameters = b.tls == null ? new Parameters() : b.tls.ratisParameters();
    b.hostTuning.tune(properties, parameters);
    this.server = RaftServer.newBuilder()
        .setServerId(RaftPeerId.valueOf(b.id))
        .setProperties(properties)
        .setStateMachineRegistry(
            gid -> new RatisStateMachine(
                new FleetStateMachine(gid.getUuid(), b.limits, b.requireSignatures), b.clock,
                ownProposals, this::leaderChanged))
        .setOption(RaftStorage.StartupOption.RECOVER)
        .setParameters(parameters)
        .build();
    this.timers = b.sharedTimers != null ? b.sharedTimers
        : Executors.newSingleThreadScheduledExecutor(r -> {
          Thread t = new Thread(r, "flotilla-timers-" + b.id);
          t.setDaemon(true);
          return t;
        });
    this.leaderDuties = new LeaderDuties(this, b.monotonicClock, ownProposals);
  }

  public static Builder builder() {
    return new Builder();
  }

  private static RaftProperties properties(Builder b) {
    RaftProperties p = new RaftProperties();
    RaftServerConfigKeys.setStorageDir(p, List.of(b.storageDir.toFile()));
    GrpcTransport.use(p);
    GrpcConfigKeys.Server.setHost(p, b.host);
    GrpcConfigKeys.Server.setPort(p, b.port);
    RaftServerConfigKeys.Rpc.setTimeoutMin(p, duration(b.profile.electionTimeoutMin()));
    RaftServerConfigKeys.Rpc.setTimeoutMax(p, duration(b.profile.electionTimeoutMax()));
    RaftServerConfigKeys.Rpc.setRequestTimeout(p, duration(b.profile.requestTimeout()));
    RaftServerConfigKeys.LeaderElection.setPreVote(p, true);
    RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
    RaftServerConfigKeys.Read.setLeaderLeaseEnabled(p, b.readMode == ReadMode.LEADER_LEASE);
    RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
    RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, b.snapshotThreshold);
    RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, 2);
    RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
    RaftServerConfigKeys.Log.setPurgeGap(p, b.purgeGap);
    // The next two settings change what a write costs, not when an entry counts: only once it
    // is flushed. A leader counts itself by its flush index, and FollowerAppendGuard holds a
    // follower's acknowledgement to what its log holds, flushed (without the compose step,
    // Ratis answers a resend of entries it already has at once).
    //
    // A follower queues an append to its log on the thread that took it. Ratis's default hands
    // each one first to CompletableFuture's default executor, which starts a thread per task on
    // a machine of two cores or fewer (it uses the common pool only when that pool's
    // parallelism is above one).
    RaftServerConfigKeys.Log.setAppendEntriesComposeEnabled(p, false);
    // No metadata entry for each advance of the commit index: at low load it doubles a write's
    // entries and fsyncs, and all it buys is applying committed entries at a restart before a
    // leader is heard (the commit index need not be durable in Raft: a leader's next append or
    // heartbeat carries it).
    RaftServerConfigKeys.Log.setLogMetadataEnabled(p, false);
    if (b.logSegmentSize != null) {
      RaftServerConfigKeys.Log.setSegmentSizeMax(p, b.logSegmentSize);
    }
    // Tuning for a deployment (thread pools, buffers): raft.* JVM system properties win.
    for (String key : System.getProperties().stringPropertyNames()) {
      if (key.startsWith("raft.")) {
        p.set(key, System.getProperty(key));
      }
    }
    return p;
  }

  private static TimeDuration duration(java.time.Duration d) {
    return TimeDuration.valueOf(d.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Starts the server and joins the groups it was built with; recovers stored groups. */
  public FleetServer start() throws IOException {
    server.start();
    InetSocketAddress bound = server.getServerRpc().getInetSocketAddress();
    address = config.host + ":" + bound.getPort();
    for (FleetGroup g : config.groups) {
      if (!hosts(g.ratisId())) {
        addGroup(g);
      }
    }
    duties.add(timers.scheduleWithFixedDelay(leaderDuties::run, 200, 200, TimeUnit.MILLISECONDS));
    duties.add(timers.scheduleWithFixedDelay(this::lookAtQuorums, 0, quorumLooks().toMillis(),
        TimeUnit.MILLISECONDS));
    return this;
  }

  public String id() {
    return config.id;
  }

  /**
   * Runs {@code listener} whenever a group hosted here learns of a new leader, so that a
   * watcher of {@link #status} can look at once instead of polling often. It runs on a Ratis
   * thread that holds the group's state: it must hand the news on and return.
   */
  public void onLeaderChange(Runnable listener) {
    leaderChangeListeners.add(listener);
  }

  private void leaderChanged() {
    for (Runnable l : leaderChangeListeners) {
      try {
        l.run();
      } catch (RuntimeException e) {
        // A listener's failure (one closing, say) must not reach the Ratis thread.
        LOG.debug("a leader-change listener failed on {}", config.id, e);
      }
    }
  }

  /** The host:port peers and clients reach this server on (the bound port when built with 0). */
  public String address() {
    return Objects.requireNonNull(address, "server not started");
  }

  public TuningProfile profile() {
    return config.profile;
  }

  /**
   * Starts this server's replica of a group with the given members. Every initial member calls
   * this with the same group; a member added later to a running group calls {@link #joinGroup}.
   */
  public void addGroup(FleetGroup group) throws IOException {
    groupManagement(GroupManagementRequest.newAdd(ClientId.randomId(), serverId(),
        callIds.incrementAndGet(), group.toRatis()));
  }

  /**
   * Prepares an empty replica of a running group, for its leader to add this server to: with no
   * members of its own it cannot elect itself, and it learns the configuration from the leader.
   */
  public void joinGroup(String name) throws IOException {
    groupManagement(GroupManagementRequest.newAdd(ClientId.randomId(), serverId(),
        callIds.incrementAndGet(), RaftGroup.valueOf(FleetGroup.ratisId(name))));
  }

  private void groupManagement(GroupManagementRequest request) throws IOException {
    RaftClientReply reply = server.groupManagement(request);
    if (!reply.isSuccess()) {
      throw new IOException("group change on " + config.id + " failed", reply.getException());
    }
  }

  /** Whether this server hosts a replica of the named group. */
  public boolean hosts(String group) throws IOException {
    return hosts(FleetGroup.ratisId(group));
  }

  private boolean hosts(RaftGroupId gid) throws IOException {
    for (RaftGroupId id : server.getGroupIds()) {
      if (id.equals(gid)) {
        return true;
      }
    }
    return false;
  }

  /** This server's replica of a group's state, for local reads and digests. */
  public FleetStateMachine stateMachine(String group) throws IOException {
    return (FleetStateMachine) ratisStateMachine(FleetGroup.ratisId(group)).stateMachine();
  }

  RatisStateMachine ratisStateMachine(RaftGroupId gid) throws IOException {
    return (RatisStateMachine) server.getDivision(gid).getStateMachine();
  }

  public GroupStatus status(String group) throws IOException {
    RaftServer.Division d = server.getDivision(FleetGroup.ratisId(group));
    DivisionInfo info = d.getInfo();
    RaftPeerId leader = info.getLeaderId();
    List<GroupStatus.Follower> followers = new ArrayList<>();
    if (info.isLeader()) {
      // Ratis lists followers and their match indices in the same order.
      List<ServerRpcProto> rpcs = info.getRoleInfoProto().getLeaderInfo().getFollowerInfoList();
      long[] match = info.getFollowerMatchIndices();
      for (int i = 0; i < rpcs.size() && i < match.length; i++) {
        followers.add(new GroupStatus.Follower(rpcs.get(i).getId().getId().toStringUtf8(),
            match[i], rpcs.get(i).getLastRpcElapsedTimeMs()));
      }
    }
    SnapshotInfo snapshot = d.getStateMachine().getLatestSnapshot();
    return new GroupStatus(group, config.id, info.getCurrentRole().name(),
        info.getCurrentTerm(), leader == null ? "" : leader.toString(), info.isLeaderReady(),
        d.getRaftLog().getLastCommittedIndex(), info.getLastAppliedIndex(),
        snapshot == null ? -1 : snapshot.getIndex(),
        snapshot == null ? 0 : snapshot.getFiles().stream().mapToLong(f -> f.getPath().toFile().length()).sum(),
        followers);
  }

  /**
   * Whether this member's side of the group has a quorum, judged from what it knows; see
   * {@link QuorumView} for what that means and when it turns.
   */
  public QuorumView.Judgement quorum(String group) throws IOException {
    return judge(group, FleetGroup.ratisId(group));
  }

  private QuorumView.Judgement judge(String group, RaftGroupId gid) throws IOException {
    RaftServer.Division d = server.getDivision(gid);
    QuorumView view = quorumViews.computeIfAbsent(gid, id -> new QuorumView(config.id,
        QuorumView.window(config.profile, quorumLooks()), System.nanoTime()));
    return view.judge(group, look(d), System.nanoTime());
  }

  /**
   * How often this server looks at each group for its {@link QuorumView}, so it knows its last
   * contact: a third of the
   * profile's longest election timeout (100 ms on lan, 667 ms on radio), a small part of the
   * judgement's window. A look reads the division's role info, which a leader builds afresh
   * with every follower's state, so hundreds of servers in one JVM feel each look.
   */
  private Duration quorumLooks() {
    return config.profile.electionTimeoutMax().dividedBy(3);
  }

  /** Keeps every group's view current between requests: it must see each contact. */
  private void lookAtQuorums() {
    try {
      for (RaftGroupId gid : server.getGroupIds()) {
        judge(gid.toString(), gid);
      }
    } catch (IOException | RuntimeException e) {
      // A group being added or removed; the next look sees it settled.
    }
  }

  private QuorumView.Look look(RaftServer.Division d) {
    DivisionInfo info = d.getInfo();
    RaftConfiguration conf = d.getRaftConf();
    Collection<RaftPeer> voters = conf.getCurrentPeers();
    boolean member = conf.getPeer(server.getId(), RaftPeerRole.FOLLOWER, RaftPeerRole.LISTENER)
        != null;
    RaftPeerId leader = info.getLeaderId();
    String leaderId = leader == null ? "" : leader.toString();
    RoleInfoProto role = info.getRoleInfoProto();
    if (info.isLeader()) {
      // Each voter's time since it last answered, this leader's own being 0.
      List<Long> ages = new ArrayList<>();
      for (RaftPeer v : voters) {
        ages.add(v.getId().equals(server.getId()) ? 0L : Long.MAX_VALUE);
      }
      List<RaftPeerId> ids = voters.stream().map(RaftPeer::getId).toList();
      for (ServerRpcProto f : role.getLeaderInfo().getFollowerInfoList()) {
        int i = ids.indexOf(RaftPeerId.valueOf(f.getId().getId()));
        if (i >= 0) {
          ages.set(i, f.getLastRpcElapsedTimeMs());
        }
      }
      return QuorumView.Look.ofLeader(leaderId, ages, role.getRoleElapsedTimeMs(), member,
          config.profile);
    }
    long contact = leader != null && role.hasFollowerInfo()
        ? role.getFollowerInfo().getLeaderInfo().getLastRpcElapsedTimeMs() : -1;
    return new QuorumView.Look(info.getCurrentRole().name(), leaderId, contact, member,
        voters.size(), -1);
  }

  /** Stops (or, with {@code paused} false, restarts) this server's part in the group's elections. */
  public void pauseElections(String group, boolean paused) throws IOException {
    RaftGroupId gid = FleetGroup.ratisId(group);
    RaftClientReply reply = server.leaderElectionManagement(paused
        ? LeaderElectionManagementRequest.newPause(ClientId.randomId(), serverId(), gid,
            nextCallId())
        : LeaderElectionManagementRequest.newResume(ClientId.randomId(), serverId(), gid,
            nextCallId()));
    if (!reply.isSuccess()) {
      throw new IOException("election " + (paused ? "pause" : "resume") + " failed on "
          + config.id, reply.getException());
    }
  }

  /** Takes a snapshot of this server's replica now and returns its log index. */
  public long snapshotNow(String group) throws IOException {
    RaftClientReply reply = server.snapshotManagement(SnapshotManagementRequest.newCreate(
        ClientId.randomId(), serverId(), FleetGroup.ratisId(group), nextCallId(), 30_000));
    if (!reply.isSuccess()) {
      throw new IOException("snapshot failed on " + config.id, reply.getException());
    }
    return reply.getLogIndex();
  }

  /** Ratis's name for this server's membership in a group, as its metrics are keyed. */
  public String memberId(String group) throws IOException {
    return server.getDivision(FleetGroup.ratisId(group)).getMemberId().toString();
  }

  /** Voters in the group's current configuration, as this server knows it. */
  public int ratisVoterCount(String group) {
    try {
      return server.getDivision(FleetGroup.ratisId(group)).getRaftConf()
          .getCurrentPeers().size();
    } catch (IOException e) {
      return 0;
    }
  }

  /** The underlying Ratis server, for administration this class does not wrap. */
  public RaftServer ratis() {
    return server;
  }

  List<RaftGroupId> groupIds() throws IOException {
    List<RaftGroupId> ids = new ArrayList<>();
    server.getGroupIds().forEach(ids::add);
    return ids;
  }

  RaftPeerId serverId() {
    return server.getId();
  }

  long nextCallId() {
    return callIds.incrementAndGet();
  }

  @Override
  public void close() throws IOException {
    duties.forEach(d -> d.cancel(false));
    if (timers != config.sharedTimers) {
      timers.shutdownNow();
    }
    server.close();
  }

  /** Settings for a {@link FleetServer}; {@link #id} and {@link #storageDir} are required. */
  public static final class Builder {
    private String id;
    private String host = "127.0.0.1";
    private int port;
    private Path storageDir;
    private TuningProfile profile = TuningProfile.LAN;
    private ReadMode readMode = ReadMode.READ_INDEX;
    private Limits limits = Limits.DEFAULT;
    private boolean requireSignatures;
    private long snapshotThreshold = 20_000;
    private int purgeGap = 1024;
    private SizeInBytes logSegmentSize;
    private LongSupplier clock = System::currentTimeMillis;
    private LongSupplier monotonicClock = () -> System.nanoTime() / 1_000_000;
    private MutualTls tls;
    private final List<FleetGroup> groups = new ArrayList<>();
    private HostTuning hostTuning = (properties, parameters) -> { };
    private ScheduledExecutorService sharedTimers;

    public Builder id(String id) {
      this.id = id;
      return this;
    }

    /** Host to bind and advertise; port 0 picks a free one. */
    public Builder address(String host, int port) {
      this.host = host;
      this.port = port;
      return this;
    }

    public Builder storageDir(Path dir) {
      this.storageDir = dir;
      return this;
    }

    public Builder profile(TuningProfile profile) {
      this.profile = profile;
      return this;
    }

    public Builder readMode(ReadMode mode) {
      this.readMode = mode;
      return this;
    }

    /**
     * What this server checks proposals by while it leads, and (but for the watch history) the
     * rules it proposes for its groups; the groups apply by the rules their logs set.
     */
    public Builder limits(Limits limits) {
      this.limits = limits;
      return this;
    }

    /**
     * Refuse unsigned proposals: only enrolled agents' signed ones apply, besides the leader's
     * lease expiries and the enroll that bootstraps an empty registry. Off by default: then
     * unsigned proposals apply, and signed ones are still checked. Like the {@link #limits},
     * a rule this server proposes for its groups while it leads.
     */
    public Builder requireSignatures(boolean required) {
      this.requireSignatures = required;
      return this;
    }

    /** Take a snapshot every this many applied entries. */
    public Builder snapshotThreshold(long entries) {
      this.snapshotThreshold = entries;
      return this;
    }

    /** Purge the log only once this many entries are covered by a snapshot. */
    public Builder purgeGap(int entries) {
      this.purgeGap = entries;
      return this;
    }

    /** Largest log segment; only whole closed segments are purged. */
    public Builder logSegmentSize(String size) {
      this.logSegmentSize = SizeInBytes.valueOf(size);
      return this;
    }

    /** The wall clock this server stamps its proposals with. */
    public Builder clock(LongSupplier clock) {
      this.clock = clock;
      return this;
    }

    /**
     * The clock, in milliseconds, that this server measures lease TTLs on while it leads. It
     * must never step: {@code System.nanoTime} by default.
     */
    public Builder monotonicClock(LongSupplier millis) {
      this.monotonicClock = millis;
      return this;
    }

    /**
     * Raft traffic under mutual TLS: peers and clients must present a certificate the trust
     * manager accepts, and this server presents its own. Plaintext when not set.
     */
    public Builder tls(MutualTls tls) {
      this.tls = tls;
      return this;
    }

    /**
     * Ratis settings and transport for a host that runs many servers in one JVM (the
     * simulator), applied over this builder's own settings. An agent never needs it.
     */
    public Builder hostTuning(HostTuning tuning) {
      this.hostTuning = Objects.requireNonNull(tuning, "tuning");
      return this;
    }

    /**
     * Runs this server's periodic work (lease expiry, quorum looks) on a scheduler shared with
     * other servers in the same JVM instead of a thread of its own; closing the server leaves it
     * running.
     */
    public Builder sharedTimers(ScheduledExecutorService timers) {
      this.sharedTimers = Objects.requireNonNull(timers, "timers");
      return this;
    }

    /** A group to start (or recover) at {@link FleetServer#start}; this server must be in it. */
    public Builder group(FleetGroup group) {
      this.groups.add(group);
      return this;
    }

    /**
     * The Ratis settings a server built from this builder runs with (storage, log sync,
     * timeouts, transport), so that a plain Ratis server can be run on equal terms.
     */
    public RaftProperties ratisProperties() {
      return properties(this);
    }

    public FleetServer build() throws IOException {
      if (id == null || id.isBlank()) {
        throw new IllegalArgumentException("server id is required");
      }
      Objects.requireNonNull(storageDir, "storageDir is required");
      for (FleetGroup g : groups) {
        if (g.peer(id).isEmpty()) {
          throw new IllegalArgumentException("server " + id + " is not a member of group "
              + g.name());
        }
      }
      Files.createDirectories(storageDir);
      return new FleetServer(this);
    }
  }
}
