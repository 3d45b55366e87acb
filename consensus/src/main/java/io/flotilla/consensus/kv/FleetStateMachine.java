package io.flotilla.consensus.kv;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.flotilla.consensus.identity.ProposalSignature;
import io.flotilla.consensus.proto.AgentIdentity;
import io.flotilla.consensus.proto.ClientSession;
import io.flotilla.consensus.proto.Command;
import io.flotilla.consensus.proto.CommandBatchReply;
import io.flotilla.consensus.proto.CommandReply;
import io.flotilla.consensus.proto.Compare;
import io.flotilla.consensus.proto.DeleteRequest;
import io.flotilla.consensus.proto.DeleteResponse;
import io.flotilla.consensus.proto.Error;
import io.flotilla.consensus.proto.EnrollAgentRequest;
import io.flotilla.consensus.proto.EnrollAgentResponse;
import io.flotilla.consensus.proto.Event;
import io.flotilla.consensus.proto.ExpiringLease;
import io.flotilla.consensus.proto.GroupRules;
import io.flotilla.consensus.proto.IdentityListResponse;
import io.flotilla.consensus.proto.KeyValue;
import io.flotilla.consensus.proto.LeaseExpireResponse;
import io.flotilla.consensus.proto.LeaseGrantRequest;
import io.flotilla.consensus.proto.LeaseGrantResponse;
import io.flotilla.consensus.proto.LeaseKeepAliveResponse;
import io.flotilla.consensus.proto.LeaseListResponse;
import io.flotilla.consensus.proto.LeaseRecord;
import io.flotilla.consensus.proto.LeaseRevokeResponse;
import io.flotilla.consensus.proto.PutRequest;
import io.flotilla.consensus.proto.ProposalRejections;
import io.flotilla.consensus.proto.PutResponse;
import io.flotilla.consensus.proto.Query;
import io.flotilla.consensus.proto.QueryReply;
import io.flotilla.consensus.proto.RangeRequest;
import io.flotilla.consensus.proto.RangeResponse;
import io.flotilla.consensus.proto.RequestOp;
import io.flotilla.consensus.proto.ResponseOp;
import io.flotilla.consensus.proto.RevokeAgentResponse;
import io.flotilla.consensus.proto.SessionCommand;
import io.flotilla.consensus.proto.SetRulesResponse;
import io.flotilla.consensus.proto.SignedCommand;
import io.flotilla.consensus.proto.SnapshotHeader;
import io.flotilla.consensus.proto.StateDigestResponse;
import io.flotilla.consensus.proto.TxnRequest;
import io.flotilla.consensus.proto.TxnResponse;
import io.flotilla.consensus.proto.WatchPollRequest;
import io.flotilla.consensus.statemachine.CommittedEntry;
import io.flotilla.consensus.statemachine.InvalidCommandException;
import io.flotilla.consensus.statemachine.ProposalRefusedException;
import io.flotilla.consensus.statemachine.ReplicatedStateMachine;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The fleet's shared state: a versioned key-value store in the style of etcd v3, with
 * transactions, leases and watches.
 *
 * <p>Every change to keys advances one global revision; each key carries its create and mod
 * revisions and a version. A transaction applies at a single revision. A lease ends only by an
 * explicit revoke or a committed expiry, so replicas never disagree on which keys exist; apply
 * reads no clock. Its leader measures a lease's TTL ({@link LeaseExpiry}); an expiry names the
 * renewal it counted from and ends the lease only if no keep-alive has applied since.
 * Watches are served from a bounded history of committed events.
 *
 * <p>Commands and queries are the protobuf messages {@link Command} and {@link Query};
 * replies are {@link CommandReply} and {@link QueryReply}. A command that is invalid or refers
 * to a missing lease gets an {@link Error} and changes nothing. A batch of key writes applies
 * command by command, each at its own revision as if it had its own entry, and gets one reply
 * per command.
 *
 * <p>A command a client numbered in its session ({@code SessionCommand}) applies at most once:
 * committed again, it gets the reply it got the first time and changes nothing
 * ({@link ClientSessions}). Sessions are part of the state and of its snapshots.
 *
 * <p>Agents may sign their proposals ({@code SignedCommand}, see {@link ProposalSignature}):
 * the state keeps each enrolled agent's Ed25519 public key and the last sequence accepted from
 * it, and checks every signed proposal when it applies, so that a forged or replayed one is
 * refused alike on every replica and counted ({@link ProposalAdmission} has the rules). Where
 * the group's rules require signatures, unsigned proposals are refused too.
 *
 * <p>What applies depends on the group's rules ({@link GroupRules}: limits and the signature
 * policy), which are replicated state set through the log, never on this member's config. The
 * member's config is what its leader checks proposals by, and what it proposes as the group's
 * rules when they differ ({@link #rulesProposal}).
 */
public final class FleetStateMachine implements ReplicatedStateMachine {
  /** The group id of a state machine outside any named group (tests, the simulator). */
  private static final UUID NO_GROUP = new UUID(0, 0);

  /** Checks proposals by this member's own config. */
  private final CommandValidator proposals;
  private final GroupRules configured;
  /** {@link #configured} as a {@code set_rules} command. */
  private final ByteString configuredRules;
  private final AppliedRules rules;
  private final ProposalAdmission admission;
  private final Limits limits;
  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private final List<PendingPoll> pending = new ArrayList<>();

  private KeyValueStore store = new KeyValueStore();
  private LeaseTable leases = new LeaseTable();
  private IdentityRegistry identities = new IdentityRegistry();
  private ClientSessions sessions = new ClientSessions();
  private final EventHistory history;
  private long revision;
  private long appliedIndex;

  public FleetStateMachine() {
    this(Limits.DEFAULT);
  }

  /** A state machine outside any named group: signed proposals verify for the nil UUID. */
  public FleetStateMachine(Limits limits) {
    this(NO_GROUP, limits, false);
  }

  /**
   * @param group the group's id, part of every proposal signature: a proposal signed for
   *     another group does not verify here
   * @param limits this member's: what it checks proposals by while it leads, and, but for the
   *     watch history, the rules it proposes for the group
   * @param requireSignatures whether this member, while it leads, refuses unsigned proposals
   *     (but for lease expiries and the bootstrap enroll) and proposes that the group do so
   */
  public FleetStateMachine(UUID group, Limits limits, boolean requireSignatures) {
    this.limits = limits;
    this.proposals = new CommandValidator(limits);
    this.configured = limits.rules(requireSignatures);
    this.configuredRules = Command.newBuilder().setSetRules(configured).build().toByteString();
    this.rules = new AppliedRules(limits);
    this.admission = new ProposalAdmission(group);
    this.history = new EventHistory(limits.watchHistory());
  }

  public Limits limits() {
    return limits;
  }

  /** The rules the group applies commands by, as the log last set them. */
  public GroupRules rules() {
    return rules.rules();
  }

  /** Whether the group applies by this member's configured rules. */
  public boolean rulesAsConfigured() {
    return configured.equals(rules.rules());
  }

  /**
   * The {@code set_rules} command the leader proposes when this member's configured rules are
   * not the group's; empty when they are.
   */
  public Optional<ByteString> rulesProposal() {
    return rulesAsConfigured() ? Optional.empty() : Optional.of(configuredRules);
  }

  /**
   * The {@link #rulesProposal} while there is one: a client's command that this member leads
   * into the log then applies by this member's rules, though the leader's own proposal of them
   * has not been made yet (a new group's first writes, a leader just elected with a changed
   * config).
   */
  @Override
  public ByteString prelude() {
    return rulesProposal().orElse(ByteString.EMPTY);
  }

  /**
   * Checks a command by this member's config before it leads it into the log. An unsigned
   * proposal that this member's config refuses but the group's rules do not yet is refused
   * here; where the group's rules refuse it too, the refusal is left to apply, where every
   * replica counts it.
   */
  @Override
  public void validate(ByteString command, boolean byLeader) throws InvalidCommandException {
    Command parsed = CommandValidator.parse(command);
    if (byLeader) {
      proposals.checkLeaderDuty(parsed);
      return;
    }
    proposals.checkClientProposal(parsed);
    if (configured.getRequireSignatures() && !rules.requireSignatures()
        && ProposalAdmission.needsSignature(parsed)) {
      throw new ProposalRefusedException(ProposalAdmission.UNSIGNED_REFUSED);
    }
  }

  @Override
  public ByteString apply(CommittedEntry entry) {
    CommandReply reply;
    lock.writeLock().lock();
    try {
      appliedIndex = entry.index();
      if (isRulesCommand(entry.prelude())) {
        // The leader's own command: its reply goes to no one. Only rules may ride ahead of a
        // command: they write no key, lease or session, which are numbered by the entry's index.
        applyCommand(new CommittedEntry(entry.index(), entry.term(), entry.leaderTimeMillis(),
            entry.prelude()));
      }
      reply = applyCommand(entry);
    } finally {
      lock.writeLock().unlock();
    }
    answerPendingPolls();
    return reply.toByteString();
  }

  private static boolean isRulesCommand(ByteString command) {
    if (command.isEmpty()) {
      return false;
    }
    try {
      return CommandValidator.parse(command).getOpCase() == Command.OpCase.SET_RULES;
    } catch (InvalidCommandException e) {
      return false;
    }
  }

  private CommandReply applyCommand(CommittedEntry entry) {
    Command command;
    SessionCommand session = null;
    Error refused;
    try {
      command = CommandValidator.parse(entry.command());
      SignedCommand signed = null;
      if (command.getOpCase() == Command.OpCase.SIGNED) {
        signed = command.getSigned();
        command = CommandValidator.unwrap(signed);
      }
      if (command.getOpCase() == Command.OpCase.SESSION) {
        session = command.getSession();
        command = CommandValidator.unwrap(session);
      }
      if (signed != null) {
        // A malformed command is invalid whoever signed it; a batch's writes are checked one
        // by one, as in an unsigned batch.
        if (command.getOpCase() != Command.OpCase.BATCH) {
          rules.validator().check(command);
        }
        refused = admission.admitSigned(signed, command, identities);
      } else {
        refused = admission.admitUnsigned(command, identities, rules.requireSignatures());
      }
    } catch (InvalidCommandException e) {
      return CommandReply.newBuilder().setError(invalid(e.getMessage())).build();
    }
    if (refused != null) {
      return CommandReply.newBuilder().setError(refused).build();
    }
    if (session == null) {
      return applyAdmitted(command, entry);
    }
    Optional<CommandReply> settled = sessions.settled(session, entry.index());
    if (settled.isPresent()) {
      return settled.get();
    }
    CommandReply reply = applyAdmitted(command, entry);
    sessions.record(session, reply);
    return reply;
  }

  private CommandReply applyAdmitted(Command command, CommittedEntry entry) {
    if (command.getOpCase() != Command.OpCase.BATCH) {
      return applyOne(command, entry);
    }
    CommandBatchReply.Builder replies = CommandBatchReply.newBuilder();
    for (Command c : command.getBatch().getCommandsList()) {
      replies.addReplies(CommandValidator.isBatchable(c)
          ? applyOne(c, entry)
          : CommandReply.newBuilder().setError(invalid("a batch holds only put, delete and txn "
              + "commands")).build());
    }
    return CommandReply.newBuilder().setBatch(replies).build();
  }

  /** Applies one command at the next revision; a command of a batch is applied as its own. */
  private CommandReply applyOne(Command command, CommittedEntry entry) {
    try {
      rules.validator().check(command);
    } catch (InvalidCommandException e) {
      return CommandReply.newBuilder().setError(invalid(e.getMessage())).build();
    }
    Mutation m = new Mutation();
    CommandReply.Builder reply = CommandReply.newBuilder();
    Error error = switch (command.getOpCase()) {
      case PUT -> {
        Error e = checkLease(command.getPut());
        if (e == null) {
          reply.setPut(put(command.getPut(), m));
        }
        yield e;
      }
      case DELETE -> {
        reply.setDelete(delete(command.getDelete(), m));
        yield null;
      }
      case TXN -> {
        TxnResult r = txn(command.getTxn(), m);
        if (r.error == null) {
          reply.setTxn(r.response);
        }
        yield r.error;
      }
      case LEASE_GRANT -> grant(command.getLeaseGrant(), entry.index(), reply);
      case LEASE_KEEP_ALIVE -> {
        LeaseTable.Lease lease = leases.get(command.getLeaseKeepAlive().getId());
        if (lease == null) {
          yield leaseNotFound(command.getLeaseKeepAlive().getId());
        }
        lease.renewedIndex = entry.index();
        reply.setLeaseKeepAlive(LeaseKeepAliveResponse.newBuilder()
            .setId(lease.id).setTtlMillis(lease.ttlMillis));
        yield null;
      }
      case LEASE_REVOKE -> {
        long id = command.getLeaseRevoke().getId();
        if (leases.get(id) == null) {
          yield leaseNotFound(id);
        }
        int deleted = revoke(id, m);
        reply.setLeaseRevoke(LeaseRevokeResponse.newBuilder()
            .setRevision(m.revisionAfter()).setDeletedKeys(deleted));
        yield null;
      }
      case LEASE_EXPIRE -> {
        LeaseExpireResponse.Builder expired = LeaseExpireResponse.newBuilder();
        for (ExpiringLease due : command.getLeaseExpire().getLeasesList()) {
          LeaseTable.Lease lease = leases.get(due.getId());
          // A keep-alive committed after the leader decided wins: the holder was told it holds.
          if (lease != null && lease.renewedIndex == due.getRenewedIndex()) {
            revoke(lease.id, m);
            expired.addExpired(lease.id);
          }
        }
        reply.setLeaseExpire(expired.setRevision(m.revisionAfter()));
        yield null;
      }
      case ENROLL -> enroll(command.getEnroll(), reply);
      case REVOKE -> {
        String agent = command.getRevoke().getAgent();
        if (!identities.revoke(agent)) {
          yield invalid("agent " + agent + " is not enrolled");
        }
        reply.setRevoke(RevokeAgentResponse.getDefaultInstance());
        yield null;
      }
      case SET_RULES -> {
        try {
          rules.set(command.getSetRules());
        } catch (InvalidCommandException e) {
          yield invalid(e.getMessage());
        }
        reply.setSetRules(SetRulesResponse.getDefaultInstance());
        yield null;
      }
      case BATCH -> throw new IllegalStateException("batches are applied command by command");
      case SIGNED -> throw new IllegalStateException("signed proposals apply unwrapped");
      case SESSION -> throw new IllegalStateException("numbered commands apply unwrapped");
      case OP_NOT_SET -> invalid("command has no operation");
    };
    if (error != null) {
      return CommandReply.newBuilder().setError(error).build();
    }
    m.commit();
    return reply.build();
  }

  /** Enrolling an agent again with the key it has changes nothing; another key needs a revoke. */
  private Error enroll(EnrollAgentRequest request, CommandReply.Builder reply) {
    PublicKey key = ProposalSignature.publicKey(request.getPublicKey());
    if (identities.key(request.getAgent()) != null
        && !identities.enrolledWith(request.getAgent(), key)) {
      return invalid("agent " + request.getAgent() + " is enrolled with another key; revoke it "
          + "first");
    }
    identities.enroll(request.getAgent(), key);
    reply.setEnroll(EnrollAgentResponse.getDefaultInstance());
    return null;
  }

  private Error grant(LeaseGrantRequest request, long index, CommandReply.Builder reply) {
    // The log index is unique and the same on every replica: a deterministic fresh id.
    long id = request.getId() != 0 ? request.getId() : index;
    if (leases.get(id) != null) {
      return invalid("lease " + id + " already exists");
    }
    leases.grant(id, request.getTtlMillis(), index);
    reply.setLeaseGrant(LeaseGrantResponse.newBuilder()
        .setId(id).setTtlMillis(request.getTtlMillis()));
    return null;
  }

  private PutResponse put(PutRequest request, Mutation m) {
    long rev = m.write();
    KeyValue prev = store.put(request.getKey(), request.getValue(), request.getLease(), rev);
    if (prev != null && prev.getLease() != request.getLease()) {
      leases.detach(prev.getLease(), request.getKey());
    }
    leases.attach(request.getLease(), request.getKey());
    KeyValue kv = store.get(request.getKey());
    m.events.add(Event.newBuilder().setType(Event.Type.PUT).setKv(kv).build());
    PutResponse.Builder out = PutResponse.newBuilder().setRevision(rev);
    if (request.getPrevKv() && prev != null) {
      out.setPrevKv(prev);
    }
    return out.build();
  }

  private DeleteResponse delete(DeleteRequest request, Mutation m) {
    List<KeyValue> doomed =
        new ArrayList<>(store.range(request.getKey(), request.getPrefix()).values());
    DeleteResponse.Builder out = DeleteResponse.newBuilder().setDeleted(doomed.size());
    for (KeyValue kv : doomed) {
      deleteKey(kv, m);
      if (request.getPrevKv()) {
        out.addPrevKvs(kv);
      }
    }
    return out.setRevision(m.revisionAfter()).build();
  }

  private void deleteKey(KeyValue prev, Mutation m) {
    long rev = m.write();
    store.remove(prev.getKey());
    leases.detach(prev.getLease(), prev.getKey());
    m.events.add(Event.newBuilder()
        .setType(Event.Type.DELETE)
        .setKv(KeyValue.newBuilder().setKey(prev.getKey()).setModRevision(rev))
        .setPrevKv(prev)
        .build());
  }

  private int revoke(long id, Mutation m) {
    LeaseTable.Lease lease = leases.remove(id);
    int deleted = 0;
    for (ByteString key : lease.keys) {
      deleteKey(store.get(key), m);
      deleted++;
    }
    return deleted;
  }

  private record TxnResult(TxnResponse response, Error error) {}

  private TxnResult txn(TxnRequest request, Mutation m) {
    boolean succeeded = true;
    for (Compare compare : request.getCompareList()) {
      succeeded &= holds(compare);
    }
    List<RequestOp> ops = succeeded ? request.getSuccessList() : request.getFailureList();
    // Atomic: every lease a branch needs must exist before anything is written.
    for (RequestOp op : ops) {
      if (op.hasPut()) {
        Error e = checkLease(op.getPut());
        if (e != null) {
          return new TxnResult(null, e);
        }
      }
    }
    TxnResponse.Builder out = TxnResponse.newBuilder().setSucceeded(succeeded);
    for (RequestOp op : ops) {
      ResponseOp.Builder r = ResponseOp.newBuilder();
      switch (op.getRequestCase()) {
        case RANGE -> r.setRange(range(op.getRange()));
        case PUT -> r.setPut(put(op.getPut(), m));
        case DELETE -> r.setDelete(delete(op.getDelete(), m));
        case REQUEST_NOT_SET -> throw new IllegalStateException("validated op is empty");
      }
      out.addResponses(r);
    }
    return new TxnResult(out.setRevision(m.revisionAfter()).build(), null);
  }

  private boolean holds(Compare compare) {
    KeyValue kv = store.get(compare.getKey());
    int cmp = switch (compare.getTargetCase()) {
      case VALUE -> KeyValueStore.ORDER.compare(
          kv == null ? ByteString.EMPTY : kv.getValue(), compare.getValue());
      case VERSION -> Long.compare(kv == null ? 0 : kv.getVersion(), compare.getVersion());
      case CREATE_REVISION -> Long.compare(
          kv == null ? 0 : kv.getCreateRevision(), compare.getCreateRevision());
      case MOD_REVISION -> Long.compare(
          kv == null ? 0 : kv.getModRevision(), compare.getModRevision());
      case LEASE -> Long.compare(kv == null ? 0 : kv.getLease(), compare.getLease());
      case TARGET_NOT_SET -> throw new IllegalStateException("validated compare has no target");
    };
    return switch (compare.getResult()) {
      case EQUAL -> cmp == 0;
      case NOT_EQUAL -> cmp != 0;
      case GREATER -> cmp > 0;
      case LESS -> cmp < 0;
      case UNRECOGNIZED -> false;
    };
  }

  private RangeResponse range(RangeRequest request) {
    Map<ByteString, KeyValue> found = store.range(request.getKey(), request.getPrefix());
    RangeResponse.Builder out =
        RangeResponse.newBuilder().setRevision(revision).setCount(found.size());
    if (request.getCountOnly()) {
      return out.build();
    }
    long limit = request.getLimit() == 0 ? Long.MAX_VALUE : request.getLimit();
    for (KeyValue kv : found.values()) {
      if (out.getKvsCount() >= limit) {
        out.setMore(true);
        break;
      }
      out.addKvs(request.getKeysOnly() ? kv.toBuilder().clearValue().build() : kv);
    }
    return out.build();
  }

  private Error checkLease(PutRequest put) {
    return put.getLease() == 0 || leases.get(put.getLease()) != null
        ? null
        : leaseNotFound(put.getLease());
  }

  /** Writes of one command: they share the next revision, and land only on {@link #commit}. */
  private final class Mutation {
    final List<Event> events = new ArrayList<>();
    boolean wrote;

    long write() {
      wrote = true;
      return revision + 1;
    }

    long revisionAfter() {
      return wrote ? revision + 1 : revision;
    }

    void commit() {
      if (wrote) {
        revision++;
        events.forEach(history::append);
      }
    }
  }

  // ---- Queries ------------------------------------------------------------------------

  @Override
  public CompletableFuture<ByteString> query(ByteString request) {
    Query query;
    try {
      query = Query.parseFrom(request);
    } catch (InvalidProtocolBufferException e) {
      return done(QueryReply.newBuilder().setError(invalid("malformed query: " + e.getMessage())));
    }
    lock.readLock().lock();
    try {
      return switch (query.getOpCase()) {
        case RANGE -> {
          try {
            proposals.checkRange(query.getRange());
          } catch (InvalidCommandException e) {
            yield done(QueryReply.newBuilder().setError(invalid(e.getMessage())));
          }
          yield done(QueryReply.newBuilder().setRange(range(query.getRange())));
        }
        case LEASE_LIST -> done(QueryReply.newBuilder().setLeaseList(
            LeaseListResponse.newBuilder().addAllLeases(leases.infos())));
        case STATE_DIGEST -> done(QueryReply.newBuilder().setStateDigest(digest()));
        case IDENTITY_LIST -> done(QueryReply.newBuilder().setIdentityList(identities.list()));
        case GROUP_RULES -> done(QueryReply.newBuilder().setGroupRules(rules.rules()));
        case WATCH_POLL -> poll(query.getWatchPoll());
        case OP_NOT_SET -> done(QueryReply.newBuilder().setError(invalid("query has no operation")));
      };
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Called with the read lock held, so no event can slip in before the poll is registered. */
  private CompletableFuture<ByteString> poll(WatchPollRequest request) {
    QueryReply now = evaluate(request);
    if (now.hasError() || now.getWatchPoll().getEventsCount() > 0 || request.getWaitMillis() <= 0) {
      return done(now.toBuilder());
    }
    CompletableFuture<ByteString> future = new CompletableFuture<ByteString>()
        .completeOnTimeout(now.toByteString(), request.getWaitMillis(), TimeUnit.MILLISECONDS);
    synchronized (pending) {
      pending.add(new PendingPoll(request, future));
    }
    return future;
  }

  private QueryReply evaluate(WatchPollRequest request) {
    EventHistory.PollResult r = history.poll(request, revision);
    return r.error() != null
        ? QueryReply.newBuilder().setError(r.error()).build()
        : QueryReply.newBuilder().setWatchPoll(r.response()).build();
  }

  private void answerPendingPolls() {
    List<Map.Entry<CompletableFuture<ByteString>, QueryReply>> answers = new ArrayList<>();
    synchronized (pending) {
      if (pending.isEmpty()) {
        return;
      }
      lock.readLock().lock();
      try {
        pending.removeIf(p -> {
          if (p.future.isDone()) {
            return true;
          }
          QueryReply r = evaluate(p.request);
          if (r.hasError() || r.getWatchPoll().getEventsCount() > 0) {
            answers.add(Map.entry(p.future, r));
            return true;
          }
          return false;
        });
      } finally {
        lock.readLock().unlock();
      }
    }
    answers.forEach(a -> a.getKey().complete(a.getValue().toByteString()));
  }

  private record PendingPoll(WatchPollRequest request, CompletableFuture<ByteString> future) {}

  private static CompletableFuture<ByteString> done(QueryReply.Builder reply) {
    return CompletableFuture.completedFuture(reply.build().toByteString());
  }

  // ---- Snapshots ----------------------------------------------------------------------

  @Override
  public void writeSnapshot(OutputStream out) throws IOException {
    lock.readLock().lock();
    try {
      writeBody(out);
    } finally {
      lock.readLock().unlock();
    }
  }

  private void writeBody(OutputStream out) throws IOException {
    SnapshotHeader.Builder header = SnapshotHeader.newBuilder()
        .setRevision(revision)
        .setAppliedIndex(appliedIndex)
        .setKvCount(store.size())
        .setLeaseCount(leases.size())
        .setAgentCount(identities.size())
        .setSessionCount(sessions.size());
    ProposalRejections rejections = identities.rejections();
    // Left out while zero, so that a state without identities has the digest it always had.
    if (!rejections.equals(ProposalRejections.getDefaultInstance())) {
      header.setRejections(rejections);
    }
    if (!rules.rules().equals(AppliedRules.DEFAULT)) {
      header.setRules(rules.rules());
    }
    header.build().writeDelimitedTo(out);
    for (KeyValue kv : store.all()) {
      kv.writeDelimitedTo(out);
    }
    for (LeaseTable.Lease lease : leases.all()) {
      LeaseTable.record(lease).writeDelimitedTo(out);
    }
    for (AgentIdentity agent : identities.records()) {
      agent.writeDelimitedTo(out);
    }
    for (ClientSession session : sessions.records()) {
      session.writeDelimitedTo(out);
    }
  }

  @Override
  public void restoreSnapshot(InputStream in) throws IOException {
    SnapshotHeader header = SnapshotHeader.parseDelimitedFrom(in);
    if (header == null) {
      throw new IOException("snapshot is empty");
    }
    KeyValueStore newStore = new KeyValueStore();
    for (long i = 0; i < header.getKvCount(); i++) {
      newStore.load(readDelimited(in, KeyValue.parser()));
    }
    LeaseTable newLeases = new LeaseTable();
    for (long i = 0; i < header.getLeaseCount(); i++) {
      newLeases.load(readDelimited(in, LeaseRecord.parser()));
    }
    for (KeyValue kv : newStore.all()) {
      if (kv.getLease() != 0) {
        if (newLeases.get(kv.getLease()) == null) {
          throw new IOException("snapshot key " + kv.getKey().toStringUtf8()
              + " refers to missing lease " + kv.getLease());
        }
        newLeases.attach(kv.getLease(), kv.getKey());
      }
    }
    IdentityRegistry newIdentities = new IdentityRegistry();
    for (long i = 0; i < header.getAgentCount(); i++) {
      newIdentities.load(readDelimited(in, AgentIdentity.parser()));
    }
    newIdentities.load(header.getRejections());
    ClientSessions newSessions = new ClientSessions();
    for (long i = 0; i < header.getSessionCount(); i++) {
      newSessions.load(readDelimited(in, ClientSession.parser()));
    }
    try {
      rules.set(header.hasRules() ? header.getRules() : AppliedRules.DEFAULT);
    } catch (InvalidCommandException e) {
      throw new IOException("snapshot " + e.getMessage());
    }
    lock.writeLock().lock();
    try {
      store = newStore;
      leases = newLeases;
      identities = newIdentities;
      sessions = newSessions;
      revision = header.getRevision();
      appliedIndex = header.getAppliedIndex();
      history.reset(revision);
    } finally {
      lock.writeLock().unlock();
    }
    answerPendingPolls();
  }

  private static <T> T readDelimited(InputStream in, com.google.protobuf.Parser<T> parser)
      throws IOException {
    T item = parser.parseDelimitedFrom(in);
    if (item == null) {
      throw new IOException("snapshot ends early");
    }
    return item;
  }

  /** A SHA-256 of the whole replicated state; equal on replicas at the same applied index. */
  public StateDigestResponse digest() {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always has SHA-256", e);
    }
    lock.readLock().lock();
    try (DigestOutputStream out = new DigestOutputStream(OutputStream.nullOutputStream(), sha)) {
      writeBody(out);
      return StateDigestResponse.newBuilder()
          .setAppliedIndex(appliedIndex)
          .setRevision(revision)
          .setSha256(ByteString.copyFrom(sha.digest()))
          .build();
    } catch (IOException e) {
      throw new IllegalStateException("writing to a null stream failed", e);
    } finally {
      lock.readLock().unlock();
    }
  }

  /** The enrolled agents and the proposals refused so far, by reason. */
  public IdentityListResponse identities() {
    lock.readLock().lock();
    try {
      return identities.list();
    } finally {
      lock.readLock().unlock();
    }
  }

  /** The store's current revision. */
  public long revision() {
    lock.readLock().lock();
    try {
      return revision;
    } finally {
      lock.readLock().unlock();
    }
  }

  // ---- Helpers ------------------------------------------------------------------------

  private static Error invalid(String message) {
    return Error.newBuilder().setCode(Error.Code.INVALID_ARGUMENT).setMessage(message).build();
  }

  private static Error leaseNotFound(long id) {
    return Error.newBuilder()
        .setCode(Error.Code.LEASE_NOT_FOUND)
        .setMessage("lease " + id + " not found")
        .build();
  }
}
