package io.flotilla.consensus.client;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.flotilla.consensus.identity.ProposalSignature;
import io.flotilla.consensus.identity.ProposalSigner;
import io.flotilla.consensus.proto.Command;
import io.flotilla.consensus.proto.CommandReply;
import io.flotilla.consensus.proto.DeleteRequest;
import io.flotilla.consensus.proto.DeleteResponse;
import io.flotilla.consensus.proto.EnrollAgentRequest;
import io.flotilla.consensus.proto.EnrollAgentResponse;
import io.flotilla.consensus.proto.IdentityListRequest;
import io.flotilla.consensus.proto.IdentityListResponse;
import io.flotilla.consensus.proto.KeyValue;
import io.flotilla.consensus.proto.LeaseGrantRequest;
import io.flotilla.consensus.proto.LeaseGrantResponse;
import io.flotilla.consensus.proto.LeaseInfo;
import io.flotilla.consensus.proto.LeaseKeepAliveRequest;
import io.flotilla.consensus.proto.LeaseKeepAliveResponse;
import io.flotilla.consensus.proto.LeaseListRequest;
import io.flotilla.consensus.proto.LeaseListResponse;
import io.flotilla.consensus.proto.LeaseRevokeRequest;
import io.flotilla.consensus.proto.LeaseRevokeResponse;
import io.flotilla.consensus.proto.PutRequest;
import io.flotilla.consensus.proto.PutResponse;
import io.flotilla.consensus.proto.Query;
import io.flotilla.consensus.proto.QueryReply;
import io.flotilla.consensus.proto.RangeRequest;
import io.flotilla.consensus.proto.RangeResponse;
import io.flotilla.consensus.proto.RevokeAgentRequest;
import io.flotilla.consensus.proto.RevokeAgentResponse;
import io.flotilla.consensus.proto.StateDigestRequest;
import io.flotilla.consensus.proto.StateDigestResponse;
import io.flotilla.consensus.proto.TxnRequest;
import io.flotilla.consensus.proto.TxnResponse;
import io.flotilla.consensus.proto.WatchPollRequest;
import io.flotilla.consensus.proto.WatchPollResponse;
import io.flotilla.consensus.ratis.RatisBytes;
import io.flotilla.consensus.group.FleetGroup;
import io.flotilla.consensus.tls.MutualTls;
import java.io.IOException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.client.api.AsyncApi;
import org.apache.ratis.client.retry.RequestTypeDependentRetryPolicy;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcFactory;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.ReadException;
import org.apache.ratis.protocol.exceptions.ReadIndexException;
import org.apache.ratis.protocol.exceptions.StaleReadException;
import org.apache.ratis.proto.RaftProtos.RaftClientRequestProto;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.util.TimeDuration;

/**
 * A client of one group's fleet state: keys, transactions, leases, watches, and (through
 * {@link #admin()}) membership.
 *
 * <p>Every call has a deadline ({@link Builder#timeout}) and a bounded number of attempts; it
 * never retries forever. A write that fails with {@link FleetException.Code#TIMEOUT} or
 * {@link FleetException.Code#UNAVAILABLE} may still have been applied; any other failure means
 * it was not. Retries of one call are deduplicated by the group, so a write applies at most
 * once. Key writes sent concurrently may share one log entry; each still applies at its own
 * revision, in the order sent. A client outlives outages: after a call that failed for want of
 * a leader, the next call is served as soon as the group has one. Blocking methods throw
 * {@link FleetException}; the {@code ...Async} methods complete exceptionally with it.
 *
 * <p>A client built with a {@link Builder#signer} proposes as that agent: it signs every command
 * it sends (key writes and their batches, leases, enrolls and revokes) with the agent's key, and
 * the group applies it only if the agent is enrolled; see {@link ProposalSigner}. A client signs
 * with increasing sequences, so one agent should propose to a group through one client at a
 * time.
 */
public final class FleetClient implements AutoCloseable {
  /**
   * Key-write requests a client keeps outstanding. One is enough: writes that arrive meanwhile
   * go together as one log entry when it completes, and fewer, larger entries cost the group
   * far less than many small ones.
   */
  private static final int WRITE_PIPELINE = 1;

  /** The shortest attempt of the side client's calls (see {@link #side}). */
  private static final Duration SIDE_ATTEMPT_MIN = Duration.ofSeconds(3);
  /** The pause before a read the server refused for now is sent again. */
  private static final Duration READ_AGAIN_AFTER = Duration.ofMillis(20);

  private final FleetGroup group;

  /** Writes and reads: one ordered window, so a client's writes apply in the order sent. */
  private final RenewingRaftClient raft;
  /**
   * Membership, leadership transfer and watch long polls, on connections of their own. Ratis
   * replies to a window's requests in order, so a long poll in the window would hold back the
   * reply to every write behind it; and Ratis drops a connection after a failed call on it,
   * which would strand the window's requests on that connection until their attempt times out.
   */
  private final RaftClient side;
  private final Duration timeout;
  private final ScheduledExecutorService timer;
  /**
   * Where replies reach callers: never Ratis's threads (see {@link #deadline}), and not the
   * timer either, since a caller may block on another call from a continuation or a watch
   * listener; a pool that grows when they do.
   */
  private final ExecutorService replies;
  /** Where connection resets run (see {@link FailoverRpc}). */
  private final ExecutorService resets;
  private final Proposer proposer;
  private final WriteBatcher writes;

  private FleetClient(Builder b) {
    this.group = b.group;
    this.timeout = b.timeout;
    RaftProperties props = properties(b.attemptTimeout);
    // Membership changes wait for a configuration to commit, and watch polls for events for up
    // to a second: the side client's attempts are never shorter than SIDE_ATTEMPT_MIN.
    RaftProperties sideProps = properties(
        b.attemptTimeout.compareTo(SIDE_ATTEMPT_MIN) > 0 ? b.attemptTimeout : SIDE_ATTEMPT_MIN);
    RetryPolicy retries = retryPolicy(b);
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "flotilla-client-" + b.group.name());
      t.setDaemon(true);
      return t;
    });
    this.replies = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "flotilla-replies-" + b.group.name());
      t.setDaemon(true);
      return t;
    });
    this.resets = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "flotilla-resets-" + b.group.name());
      t.setDaemon(true);
      return t;
    });
    Parameters parameters = b.tls == null ? new Parameters() : b.tls.ratisParameters();
    BiFunction<RaftProperties, RaftPeerId, RaftClient> client = (p, leader) -> {
      ClientId id = ClientId.randomId();
      return RaftClient.newBuilder()
          .setProperties(p)
          .setRaftGroup(b.group.toRatis())
          .setLeaderId(leader)
          .setClientId(id)
          .setClientRpc(new FailoverRpc(
              new GrpcFactory(parameters).newRaftClientRpc(id, p), resets))
          .setRetryPolicy(retries)
          .setParameters(parameters)
          .build();
    };
    this.raft = new RenewingRaftClient(leader -> client.apply(props, leader), timer,
        b.timeout.plusSeconds(1));
    this.side = client.apply(sideProps, null);
    this.proposer = new Proposer(raft, b.signerAgent == null ? null
        : new ProposalSigner(b.group.ratisId().getUuid(), b.signerAgent, b.signerKey));
    this.writes = new WriteBatcher(proposer, b.timeout, WRITE_PIPELINE, replies);
  }

  private static RaftProperties properties(Duration attemptTimeout) {
    RaftProperties props = new RaftProperties();
    TimeDuration attempt = TimeDuration.valueOf(attemptTimeout.toMillis(), TimeUnit.MILLISECONDS);
    RaftClientConfigKeys.Rpc.setRequestTimeout(props, attempt);
    // A new client's first request is a watch that opens its connection (Ratis's default:
    // 10 s); the window's requests wait behind it, so it gets an attempt's time like them.
    RaftClientConfigKeys.Rpc.setWatchRequestTimeout(props, attempt);
    return props;
  }

  /**
   * Attempts {@code retrySleep} apart, at most {@code maxAttempts}, and none past the call's
   * deadline: Ratis keeps a client's requests in order, so a request that outlived its caller
   * would hold up every request behind it.
   */
  private static RetryPolicy retryPolicy(Builder b) {
    RetryPolicy attempts = RetryPolicies.retryUpToMaximumCountWithFixedSleep(b.maxAttempts,
        TimeDuration.valueOf(b.retrySleep.toMillis(), TimeUnit.MILLISECONDS));
    TimeDuration deadline = TimeDuration.valueOf(b.timeout.toMillis(), TimeUnit.MILLISECONDS);
    RequestTypeDependentRetryPolicy.Builder policy = RequestTypeDependentRetryPolicy.newBuilder();
    for (RaftClientRequestProto.TypeCase type : RaftClientRequestProto.TypeCase.values()) {
      policy.setRetryPolicy(type, attempts).setTimeout(type, deadline);
    }
    return policy.build();
  }

  public static Builder builder(FleetGroup group) {
    return new Builder(group);
  }

  public FleetGroup group() {
    return group;
  }

  // ---- Keys ---------------------------------------------------------------------------

  public CompletableFuture<PutResponse> putAsync(PutRequest request) {
    return write(Command.newBuilder().setPut(request).build(), CommandReply::getPut);
  }

  public PutResponse put(PutRequest request) {
    return join(putAsync(request));
  }

  public PutResponse put(String key, String value) {
    return put(PutRequest.newBuilder().setKey(utf8(key)).setValue(utf8(value)).build());
  }

  public CompletableFuture<DeleteResponse> deleteAsync(DeleteRequest request) {
    return write(Command.newBuilder().setDelete(request).build(), CommandReply::getDelete);
  }

  public DeleteResponse delete(DeleteRequest request) {
    return join(deleteAsync(request));
  }

  public DeleteResponse delete(String key) {
    return delete(DeleteRequest.newBuilder().setKey(utf8(key)).build());
  }

  public CompletableFuture<TxnResponse> txnAsync(TxnRequest request) {
    return write(Command.newBuilder().setTxn(request).build(), CommandReply::getTxn);
  }

  /** Runs a transaction: its compares and the chosen branch apply atomically. */
  public TxnResponse txn(TxnRequest request) {
    return join(txnAsync(request));
  }

  public CompletableFuture<RangeResponse> rangeAsync(RangeRequest request,
      ReadConsistency consistency) {
    return queryAsync(Query.newBuilder().setRange(request).build(), consistency)
        .thenApply(QueryReply::getRange);
  }

  public RangeResponse range(RangeRequest request, ReadConsistency consistency) {
    return join(rangeAsync(request, consistency));
  }

  /** Every key under a prefix, linearizably. */
  public RangeResponse range(String prefix) {
    return range(RangeRequest.newBuilder().setKey(utf8(prefix)).setPrefix(true).build(),
        ReadConsistency.LINEARIZABLE);
  }

  public Optional<KeyValue> get(String key, ReadConsistency consistency) {
    RangeResponse r = range(RangeRequest.newBuilder().setKey(utf8(key)).build(), consistency);
    return r.getKvsCount() == 0 ? Optional.empty() : Optional.of(r.getKvs(0));
  }

  /** A key's current value and metadata, linearizably. */
  public Optional<KeyValue> get(String key) {
    return get(key, ReadConsistency.LINEARIZABLE);
  }

  // ---- Leases -------------------------------------------------------------------------

  public CompletableFuture<LeaseGrantResponse> grantLeaseAsync(Duration ttl) {
    return submit(Command.newBuilder().setLeaseGrant(
        LeaseGrantRequest.newBuilder().setTtlMillis(ttl.toMillis())).build(),
        CommandReply::getLeaseGrant);
  }

  /** Grants a lease; keys put with its id vanish when it expires or is revoked. */
  public LeaseGrantResponse grantLease(Duration ttl) {
    return join(grantLeaseAsync(ttl));
  }

  public CompletableFuture<LeaseKeepAliveResponse> keepAliveAsync(long leaseId) {
    return submit(Command.newBuilder().setLeaseKeepAlive(
        LeaseKeepAliveRequest.newBuilder().setId(leaseId)).build(),
        CommandReply::getLeaseKeepAlive);
  }

  /** Pushes a lease's deadline one TTL past now. */
  public LeaseKeepAliveResponse keepAlive(long leaseId) {
    return join(keepAliveAsync(leaseId));
  }

  public CompletableFuture<LeaseRevokeResponse> revokeLeaseAsync(long leaseId) {
    return submit(Command.newBuilder().setLeaseRevoke(
        LeaseRevokeRequest.newBuilder().setId(leaseId)).build(),
        CommandReply::getLeaseRevoke);
  }

  /** Ends a lease now and deletes the keys attached to it. */
  public LeaseRevokeResponse revokeLease(long leaseId) {
    return join(revokeLeaseAsync(leaseId));
  }

  public CompletableFuture<LeaseListResponse> leasesAsync() {
    return queryAsync(Query.newBuilder()
            .setLeaseList(LeaseListRequest.getDefaultInstance()).build(),
        ReadConsistency.LINEARIZABLE).thenApply(QueryReply::getLeaseList);
  }

  public List<LeaseInfo> leases() {
    return join(leasesAsync()).getLeasesList();
  }

  // ---- Watches ------------------------------------------------------------------------

  /**
   * Watches a key, or every key under a prefix, from a revision on (0: from the revision
   * current when the group first answers). Events arrive on the listener until the watch is
   * closed.
   */
  public Watch watch(String key, boolean prefix, long fromRevision, WatchListener listener) {
    return watch(utf8(key), prefix, fromRevision, listener);
  }

  public Watch watch(ByteString key, boolean prefix, long fromRevision, WatchListener listener) {
    Watch w = new Watch(this, WatchPollRequest.newBuilder()
        .setKey(key)
        .setPrefix(prefix)
        .setFromRevision(fromRevision)
        .setMaxEvents(1000)
        .build(), listener, timer);
    w.start();
    return w;
  }

  /**
   * One read of the committed events under {@code prefix} from {@code fromRevision} on: answers
   * as soon as at least one exists (up to {@code max}), or after {@code wait} with none. Fails
   * with {@link FleetException.Code#COMPACTED} when that revision is no longer kept.
   */
  public WatchPollResponse events(String prefix, long fromRevision, int max, Duration wait) {
    return join(pollAsync(WatchPollRequest.newBuilder()
        .setKey(utf8(prefix))
        .setPrefix(true)
        .setFromRevision(fromRevision)
        .setMaxEvents(max)
        .setWaitMillis(wait.toMillis())
        .build())).getWatchPoll();
  }

  // ---- Agent identities ---------------------------------------------------------------

  /**
   * Enrolls an agent's Ed25519 public key, so that the group applies its signed proposals.
   * Enrolling an agent again with the key it has changes nothing; replacing its key takes a
   * {@link #revoke} first. Once any agent is enrolled, only a client that signs as an enrolled
   * agent may enroll or revoke ({@link FleetException.Code#PERMISSION_DENIED} otherwise).
   */
  public EnrollAgentResponse enroll(String agentId, PublicKey key) {
    return join(submit(Command.newBuilder().setEnroll(EnrollAgentRequest.newBuilder()
        .setAgent(agentId).setPublicKey(ByteString.copyFrom(key.getEncoded()))).build(),
        CommandReply::getEnroll));
  }

  /**
   * Removes an agent's key: the group refuses its proposals from then on, and its old ones can
   * never replay, even after it is enrolled again.
   */
  public RevokeAgentResponse revoke(String agentId) {
    return join(submit(Command.newBuilder().setRevoke(
        RevokeAgentRequest.newBuilder().setAgent(agentId)).build(), CommandReply::getRevoke));
  }

  /** The enrolled agents and the group's count of refused proposals by reason, linearizably. */
  public IdentityListResponse identities() {
    return join(queryAsync(Query.newBuilder()
            .setIdentityList(IdentityListRequest.getDefaultInstance()).build(),
        ReadConsistency.LINEARIZABLE)).getIdentityList();
  }

  /**
   * Proposes a command built by the caller, such as a {@code SignedCommand} an agent signed
   * elsewhere and this client relays, and returns the group's reply. A client with a signer
   * signs it like any other command (and the group refuses a signed command inside another).
   * A command signed elsewhere is not numbered in this client's session; the sequence under its
   * signature is what keeps it from applying twice.
   */
  public CommandReply propose(Command command) {
    return join(submit(command, Function.identity()));
  }

  // ---- Inspection and administration --------------------------------------------------

  /** A digest of one server's replica, as of the latest index it applied. */
  public StateDigestResponse digest(String serverId) {
    return join(queryAsync(Query.newBuilder()
            .setStateDigest(StateDigestRequest.getDefaultInstance()).build(),
        ReadConsistency.stale(serverId, 0))).getStateDigest();
  }

  /**
   * Tells the client that {@code member} leads the group now, as a server of the group sees it
   * (an agent node passes on its own replica's view). Calls waiting on the member this client
   * took for the leader, and the next call it would send there, go to the others at once
   * instead of waiting out their attempt: a leader that went silent (powered off, out of radio
   * range) answers nothing and resets nothing, so they would wait the whole attempt timeout.
   */
  public void leaderSeen(String member) {
    RaftClient current = raft.get();
    RaftPeerId believed = current.getLeaderId();
    if (!believed.toString().equals(member)
        && current.getClientRpc() instanceof FailoverRpc rpc) {
      rpc.abandon(believed, member + " leads the group now");
    }
  }

  /** Membership changes and leadership transfer. */
  public FleetAdmin admin() {
    return new FleetAdmin(group, side, timeout);
  }

  // ---- Plumbing -----------------------------------------------------------------------

  /** A key write, sent through the batcher. */
  private <T> CompletableFuture<T> write(Command command, Function<CommandReply, T> result) {
    return writes.submit(command).orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .handle((r, error) -> {
          if (error != null) {
            throw FleetException.of(error);
          }
          if (r.hasError()) {
            throw FleetException.of(r.getError());
          }
          return result.apply(r);
        });
  }

  private <T> CompletableFuture<T> submit(Command command, Function<CommandReply, T> result) {
    return deadline(proposer.propose(command))
        .thenApply(reply -> {
          CommandReply r = parse(reply, CommandReply::parseFrom);
          if (r.hasError()) {
            throw FleetException.of(r.getError());
          }
          return result.apply(r);
        });
  }

  CompletableFuture<QueryReply> queryAsync(Query query, ReadConsistency consistency) {
    Message m = RatisBytes.message(query.toByteString());
    CompletableFuture<RaftClientReply> sent;
    if (consistency instanceof ReadConsistency.Stale s) {
      sent = new CompletableFuture<>();
      readUntilServed(api -> api.sendStaleRead(m, s.minIndex(),
          RaftPeerId.valueOf(s.serverId())), FleetClient::isStale, sent);
    } else if (consistency instanceof ReadConsistency.LeaderLocal) {
      sent = raft.send(api -> api.sendReadOnlyNonLinearizable(m));
    } else {
      sent = new CompletableFuture<>();
      readUntilServed(api -> api.sendReadOnly(m), FleetClient::noReadIndexYet, sent);
    }
    return answer(sent);
  }

  /**
   * One long poll of a watch: a linearizable read that the leader answers when events arrive
   * or the poll's wait ends. It goes outside the ordered window (see {@link #side}).
   */
  CompletableFuture<QueryReply> pollAsync(WatchPollRequest poll) {
    Message m = RatisBytes.message(Query.newBuilder().setWatchPoll(poll).build().toByteString());
    return answer(side.async().sendReadOnlyUnordered(m));
  }

  private CompletableFuture<QueryReply> answer(CompletableFuture<RaftClientReply> sent) {
    return deadline(sent).thenApply(reply -> {
      QueryReply r = parse(reply, QueryReply::parseFrom);
      if (r.hasError()) {
        throw FleetException.of(r.getError());
      }
      return r;
    });
  }

  /**
   * Sends a read again, after a pause, for as long as the server refuses it for a reason that
   * passes ({@code passing}) and the call's deadline has not ended it: Ratis fails such a read
   * at once rather than waiting itself. Reads change nothing, so asking again is safe.
   */
  private void readUntilServed(Function<AsyncApi, CompletableFuture<RaftClientReply>> read,
      Predicate<Throwable> passing, CompletableFuture<RaftClientReply> result) {
    raft.send(read).whenComplete((reply, error) -> {
      Throwable failure = error != null ? error
          : reply.isSuccess() ? null : reply.getException();
      if (failure != null && passing.test(failure) && !result.isDone()) {
        timer.schedule(() -> readUntilServed(read, passing, result),
            READ_AGAIN_AFTER.toMillis(), TimeUnit.MILLISECONDS);
      } else if (error != null) {
        result.completeExceptionally(error);
      } else {
        result.complete(reply);
      }
    });
  }

  /** A server behind the index a stale read asked for; Ratis wraps it, sometimes twice. */
  private static boolean isStale(Throwable t) {
    return RenewingRaftClient.has(t, StaleReadException.class);
  }

  /**
   * A follower asked for a linearizable read asks its leader for a read index, and refuses the
   * read when it knows no leader (between losing one and hearing from the next) or cannot reach
   * it, or while it installs a snapshot. A leader is usually known again within one election.
   */
  private static boolean noReadIndexYet(Throwable t) {
    return RenewingRaftClient.has(t, ReadIndexException.class)
        || RenewingRaftClient.has(t, ReadException.class);
  }

  /**
   * The call's reply, within its deadline, completed on {@link #replies}: never under the
   * Ratis window lock that Ratis completes replies with, where a caller's continuation that
   * sends again could deadlock with another thread's send.
   */
  private CompletableFuture<RaftClientReply> deadline(CompletableFuture<RaftClientReply> f) {
    return f.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .handleAsync((reply, error) -> {
          if (error != null) {
            throw FleetException.of(error);
          }
          if (!reply.isSuccess()) {
            throw FleetException.of(reply.getException());
          }
          return reply;
        }, replies);
  }

  private interface Parser<T> {
    T parse(ByteString bytes) throws InvalidProtocolBufferException;
  }

  private static <T> T parse(RaftClientReply reply, Parser<T> parser) {
    try {
      return parser.parse(RatisBytes.content(reply.getMessage()));
    } catch (InvalidProtocolBufferException e) {
      throw new FleetException(FleetException.Code.INTERNAL, "malformed reply from the group", e);
    }
  }

  static <T> T join(CompletableFuture<T> f) {
    try {
      return f.join();
    } catch (RuntimeException e) {
      throw FleetException.of(e);
    }
  }

  static ByteString utf8(String s) {
    return ByteString.copyFromUtf8(s);
  }

  @Override
  public void close() {
    timer.shutdownNow();
    replies.shutdown();
    resets.shutdown();
    try (RaftClient s = side) {
      raft.close();
    } catch (IOException e) {
      throw new FleetException(FleetException.Code.INTERNAL, "closing the client failed", e);
    }
  }

  /** Settings for a {@link FleetClient}. */
  public static final class Builder {
    private final FleetGroup group;
    private Duration timeout = Duration.ofSeconds(10);
    private Duration attemptTimeout = Duration.ofSeconds(3);
    private int maxAttempts = 20;
    private Duration retrySleep = Duration.ofMillis(100);
    private MutualTls tls;
    private String signerAgent;
    private PrivateKey signerKey;

    private Builder(FleetGroup group) {
      this.group = group;
    }

    /** The deadline of every call, retries included. */
    public Builder timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    /**
     * How long one attempt of a read or write waits for a server's reply before the call goes
     * to another server (default 3 s). A leader that went silent costs a call this long.
     */
    public Builder attemptTimeout(Duration timeout) {
      this.attemptTimeout = timeout;
      return this;
    }

    /** At most this many attempts per call, {@code sleep} apart. */
    public Builder retries(int maxAttempts, Duration sleep) {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be at least 1");
      }
      this.maxAttempts = maxAttempts;
      this.retrySleep = sleep;
      return this;
    }

    /** Talks to the group's servers under mutual TLS; they must run with TLS too. */
    public Builder tls(MutualTls tls) {
      this.tls = tls;
      return this;
    }

    /**
     * Proposes as agent {@code agentId}: every command is signed with its Ed25519 private key.
     *
     * @throws IllegalArgumentException unless {@code key} is an Ed25519 private key
     */
    public Builder signer(String agentId, PrivateKey key) {
      this.signerAgent = Objects.requireNonNull(agentId, "agentId");
      this.signerKey = ProposalSignature.requirePrivateKey(key);
      return this;
    }

    public FleetClient build() {
      return new FleetClient(this);
    }
  }
}
