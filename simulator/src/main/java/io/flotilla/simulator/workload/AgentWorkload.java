package io.flotilla.simulator.workload;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.flotilla.consensus.proto.Command;
import io.flotilla.consensus.proto.CommandReply;
import io.flotilla.consensus.proto.Compare;
import io.flotilla.consensus.proto.Error;
import io.flotilla.consensus.proto.KeyValue;
import io.flotilla.consensus.proto.LeaseGrantRequest;
import io.flotilla.consensus.proto.LeaseKeepAliveRequest;
import io.flotilla.consensus.proto.PutRequest;
import io.flotilla.consensus.proto.Query;
import io.flotilla.consensus.proto.RangeRequest;
import io.flotilla.consensus.proto.RangeResponse;
import io.flotilla.consensus.proto.RequestOp;
import io.flotilla.consensus.proto.TxnRequest;
import io.flotilla.consensus.proto.TxnResponse;
import io.flotilla.simulator.fleet.ClientSession;
import io.flotilla.simulator.fleet.FleetObserver;
import io.flotilla.simulator.fleet.Member;
import io.flotilla.simulator.kernel.Event;
import io.flotilla.simulator.kernel.Kernel;
import io.flotilla.simulator.kernel.TraceHash;
import java.util.Comparator;
import java.util.SplittableRandom;

/**
 * What one agent asks of one of its groups, as a real agent would: a presence key under a
 * lease kept alive; task claims by compare-and-set; reads of shared state; a campaign for the
 * group's coordinator role with the election recipe (a key under {@code election/<role>/}
 * attached to its lease; the lowest create revision holds the role); and, in the council,
 * periodic status reports.
 *
 * <p>An agent believes it holds the role only until its lease could have run out: the send
 * time of the last acknowledged grant or keep-alive plus the TTL. The leader's deadline is at
 * least that late, so no other candidate can see itself first before then.
 */
public final class AgentWorkload {
  /** Rates and periods, in microseconds and events per microsecond. */
  public record Plan(long ttl, long keepAlive, double claimRate, int tasks, double readRate,
      boolean candidate, long recheck, long reportEvery) {}

  private enum Kind {
    GRANT(true), KEEP_ALIVE(true), CLAIM(false), READ(false), CAMPAIGN(true), REPORT(false);

    /** Whether the timer belongs to one lease and stops when the lease is replaced. */
    final boolean perLease;

    Kind(boolean perLease) {
      this.perLease = perLease;
    }
  }

  private final Member member;
  private final Plan plan;
  private final SplittableRandom random;
  private final FleetObserver observer;
  private final Kernel kernel;
  private final String agent;
  private final String role;
  private final ByteString candidates;

  private int starts;
  private int generation;
  private long leaseId;
  private long validUntil;
  private boolean holding;

  public AgentWorkload(Member member, Plan plan, SplittableRandom random, FleetObserver observer,
      Kernel kernel) {
    this.member = member;
    this.plan = plan;
    this.random = random;
    this.observer = observer;
    this.kernel = kernel;
    this.agent = member.agent().name();
    this.role = "coordinator-" + member.group().name();
    this.candidates = utf8("election/" + role + "/");
  }

  /** Starts, or restarts after a reboot, with a fresh lease. */
  public void start() {
    starts++;
    generation++;
    leaseId = 0;
    holding = false;
    after(Kind.GRANT, (long) (random.nextDouble() * plan.keepAlive()));
    if (plan.claimRate() > 0) {
      after(Kind.CLAIM, exponential(plan.claimRate()));
    }
    if (plan.readRate() > 0) {
      after(Kind.READ, exponential(plan.readRate()));
    }
    if (plan.reportEvery() > 0) {
      after(Kind.REPORT, (long) (random.nextDouble() * plan.reportEvery()));
    }
  }

  /** The agent went down: it holds nothing any more. */
  public void crash() {
    release();
  }

  private void fire(Kind kind) {
    switch (kind) {
      case GRANT -> grant();
      case KEEP_ALIVE -> keepAlive();
      case CLAIM -> {
        claim();
        after(Kind.CLAIM, exponential(plan.claimRate()));
      }
      case READ -> {
        session().read(Query.newBuilder().setRange(RangeRequest.newBuilder()
            .setKey(utf8("presence/")).setPrefix(true).setCountOnly(true)).build()
            .toByteString(), (payload, sentAt) -> { });
        after(Kind.READ, exponential(plan.readRate()));
      }
      case CAMPAIGN -> {
        campaign();
        after(Kind.CAMPAIGN, plan.recheck());
      }
      case REPORT -> {
        session().write(command(Command.newBuilder().setPut(PutRequest.newBuilder()
            .setKey(utf8("status/" + agent))
            .setValue(utf8("alive at " + kernel.now() / 1000)))), (payload, sentAt) -> { });
        after(Kind.REPORT, plan.reportEvery());
      }
    }
  }

  // ---- Presence lease -----------------------------------------------------------------

  private void grant() {
    int gen = generation;
    long id = ((long) (member.agent().id() + 1) << 32) | ((long) member.group().index() << 20)
        | (gen & 0xfffff);
    session().write(command(Command.newBuilder().setLeaseGrant(
        LeaseGrantRequest.newBuilder().setId(id).setTtlMillis(plan.ttl() / 1000))),
        (payload, sentAt) -> {
          if (gen != generation) {
            return;
          }
          CommandReply reply = payload == null ? null : parse(payload);
          boolean granted = reply != null && (reply.hasLeaseGrant() || (reply.hasError()
              && reply.getError().getMessage().contains("already exists")));
          if (!granted) {
            after(Kind.GRANT, plan.keepAlive());
            return;
          }
          leaseId = id;
          validUntil = sentAt + plan.ttl();
          session().write(command(Command.newBuilder().setPut(PutRequest.newBuilder()
              .setKey(utf8("presence/" + agent)).setValue(utf8(member.group().name()))
              .setLease(id))), (p, s) -> { });
          after(Kind.KEEP_ALIVE, plan.keepAlive());
          if (plan.candidate()) {
            after(Kind.CAMPAIGN, 0);
          }
        });
  }

  private void keepAlive() {
    int gen = generation;
    long id = leaseId;
    session().write(command(Command.newBuilder().setLeaseKeepAlive(
        LeaseKeepAliveRequest.newBuilder().setId(id))), (payload, sentAt) -> {
          if (gen != generation || payload == null) {
            return;
          }
          CommandReply reply = parse(payload);
          if (reply.hasLeaseKeepAlive()) {
            if (holding && kernel.now() >= validUntil) {
              // The belief lapsed before this arrived; the next campaign check re-earns it.
              release();
            }
            validUntil = Math.max(validUntil, sentAt + plan.ttl());
            if (holding) {
              observer.roleHeld(role, agent, validUntil);
            }
          } else if (reply.getError().getCode() == Error.Code.LEASE_NOT_FOUND) {
            release();
            generation++;
            leaseId = 0;
            after(Kind.GRANT, 0);
          }
        });
    after(Kind.KEEP_ALIVE, plan.keepAlive());
  }

  // ---- Task claims --------------------------------------------------------------------

  private void claim() {
    String key = "tasks/" + member.group().name() + "/" + random.nextInt(plan.tasks());
    ByteString k = utf8(key);
    session().write(command(Command.newBuilder().setTxn(TxnRequest.newBuilder()
        .addCompare(Compare.newBuilder().setKey(k).setResult(Compare.Result.EQUAL).setVersion(0))
        .addSuccess(RequestOp.newBuilder().setPut(PutRequest.newBuilder()
            .setKey(k).setValue(utf8(agent))))
        .addFailure(RequestOp.newBuilder().setRange(RangeRequest.newBuilder().setKey(k))))),
        (payload, sentAt) -> {
          if (payload == null) {
            return;
          }
          TxnResponse txn = parse(payload).getTxn();
          if (txn.getSucceeded()) {
            observer.acknowledged(member.group(), key, agent, txn.getRevision());
          } else if (txn.getResponsesCount() > 0) {
            RangeResponse r = txn.getResponses(0).getRange();
            // An earlier attempt of this same request may have won before its reply was lost.
            if (r.getKvsCount() == 1 && r.getKvs(0).getValue().toStringUtf8().equals(agent)) {
              observer.acknowledged(member.group(), key, agent, r.getKvs(0).getCreateRevision());
            }
          }
        });
  }

  // ---- Coordinator election -----------------------------------------------------------

  private void campaign() {
    long id = leaseId;
    if (id == 0 || kernel.now() >= validUntil) {
      return;
    }
    int gen = generation;
    ByteString mine = candidates.concat(utf8(String.format("%016x", id)));
    RequestOp rangeAll = RequestOp.newBuilder().setRange(
        RangeRequest.newBuilder().setKey(candidates).setPrefix(true)).build();
    session().write(command(Command.newBuilder().setTxn(TxnRequest.newBuilder()
        .addCompare(Compare.newBuilder().setKey(mine).setCreateRevision(0))
        .addSuccess(RequestOp.newBuilder().setPut(PutRequest.newBuilder()
            .setKey(mine).setValue(utf8(agent)).setLease(id)))
        .addSuccess(rangeAll)
        .addFailure(rangeAll))), (payload, sentAt) -> {
          if (gen != generation || payload == null) {
            return;
          }
          CommandReply reply = parse(payload);
          if (!reply.hasTxn()) {
            return;
          }
          TxnResponse txn = reply.getTxn();
          RangeResponse all = txn.getResponses(txn.getResponsesCount() - 1).getRange();
          boolean first = all.getKvsList().stream()
              .min(Comparator.comparingLong(KeyValue::getCreateRevision))
              .map(kv -> kv.getKey().equals(mine)).orElse(false);
          if (first && kernel.now() < validUntil) {
            holding = true;
            observer.roleHeld(role, agent, validUntil);
          } else if (holding) {
            release();
          }
        });
  }

  private void release() {
    if (holding) {
      holding = false;
      observer.roleReleased(role, agent);
    }
  }

  // ---- Helpers ------------------------------------------------------------------------

  private ClientSession session() {
    return member.session();
  }

  private long exponential(double ratePerMicro) {
    return (long) (-Math.log(1 - random.nextDouble()) / ratePerMicro);
  }

  private void after(Kind kind, long delay) {
    int life = member.agent().life();
    int start = starts;
    int gen = generation;
    kernel.after(delay, new Event() {
      @Override
      protected void fire() {
        if (member.agent().isUp() && member.agent().life() == life && start == starts
            && (!kind.perLease || gen == generation)) {
          AgentWorkload.this.fire(kind);
        }
      }

      @Override
      protected long fingerprint() {
        return TraceHash.mix(4 + kind.ordinal(),
            member.agent().id() * 4096L + member.group().index());
      }

      @Override
      public String describe() {
        return member.name() + " workload " + kind;
      }
    });
  }

  private static ByteString command(Command.Builder c) {
    return c.build().toByteString();
  }

  private static CommandReply parse(ByteString payload) {
    try {
      return CommandReply.parseFrom(payload);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("the state machine wrote a malformed reply", e);
    }
  }

  private static ByteString utf8(String s) {
    return ByteString.copyFromUtf8(s);
  }
}
