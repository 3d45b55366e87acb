package io.flotilla.consensus.kv;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.flotilla.consensus.identity.ProposalSignature;
import io.flotilla.consensus.proto.Command;
import io.flotilla.consensus.proto.CommandBatch;
import io.flotilla.consensus.proto.Compare;
import io.flotilla.consensus.proto.DeleteRequest;
import io.flotilla.consensus.proto.ExpiringLease;
import io.flotilla.consensus.proto.PutRequest;
import io.flotilla.consensus.proto.RangeRequest;
import io.flotilla.consensus.proto.RequestOp;
import io.flotilla.consensus.proto.SessionCommand;
import io.flotilla.consensus.proto.SignedCommand;
import io.flotilla.consensus.proto.TxnRequest;
import io.flotilla.consensus.statemachine.InvalidCommandException;
import java.util.List;

/**
 * The state-independent checks of a command: shapes, sizes and counts. Signatures are not
 * checked here but when a proposal applies, on every replica (see {@link ProposalAdmission}).
 */
final class CommandValidator {
  /** Longest agent id, in UTF-8 bytes. */
  private static final int MAX_AGENT_ID_BYTES = 256;
  static final int SESSION_ID_BYTES = 16;

  private final Limits limits;

  CommandValidator(Limits limits) {
    this.limits = limits;
  }

  void check(Command command) throws InvalidCommandException {
    switch (command.getOpCase()) {
      case PUT -> checkPut(command.getPut());
      case DELETE -> checkDelete(command.getDelete());
      case TXN -> checkTxn(command.getTxn());
      case LEASE_GRANT -> {
        long ttl = command.getLeaseGrant().getTtlMillis();
        if (ttl < limits.minLeaseTtlMillis() || ttl > limits.maxLeaseTtlMillis()) {
          throw new InvalidCommandException("lease TTL " + ttl + " ms is outside ["
              + limits.minLeaseTtlMillis() + ", " + limits.maxLeaseTtlMillis() + "] ms");
        }
        if (command.getLeaseGrant().getId() < 0) {
          throw new InvalidCommandException("lease id must not be negative");
        }
      }
      case LEASE_KEEP_ALIVE -> checkLeaseId(command.getLeaseKeepAlive().getId());
      case LEASE_REVOKE -> checkLeaseId(command.getLeaseRevoke().getId());
      case LEASE_EXPIRE -> {
        for (ExpiringLease lease : command.getLeaseExpire().getLeasesList()) {
          checkLeaseId(lease.getId());
        }
      }
      case BATCH -> checkBatch(command.getBatch());
      case SIGNED -> check(unwrap(command.getSigned()));
      case SESSION -> check(unwrap(command.getSession()));
      case ENROLL -> {
        checkAgent(command.getEnroll().getAgent());
        try {
          ProposalSignature.publicKey(command.getEnroll().getPublicKey());
        } catch (IllegalArgumentException e) {
          throw new InvalidCommandException(e.getMessage());
        }
      }
      case REVOKE -> checkAgent(command.getRevoke().getAgent());
      // Applying checks the rules' ranges: a leader's own config already passed them.
      case SET_RULES -> { }
      case OP_NOT_SET -> throw new InvalidCommandException("command has no operation");
    }
  }

  /**
   * Checks a command a client asks the leader to propose. Lease expiries are the leader's
   * alone: it decides them on its own clock, and a client naming a lease's latest renewal would
   * end the lease at once. So are the group's rules: they come from the leader's config.
   */
  void checkClientProposal(Command command) throws InvalidCommandException {
    switch (command.getOpCase()) {
      case LEASE_EXPIRE -> throw new InvalidCommandException(
          "lease expiries are proposed only by the group's leader");
      case SET_RULES -> throw new InvalidCommandException(
          "group rules are proposed only by the group's leader, from its config");
      case SIGNED -> checkClientProposal(unwrap(command.getSigned()));
      case SESSION -> checkClientProposal(unwrap(command.getSession()));
      default -> check(command);
    }
  }

  /** Checks a command the leader proposes itself: only lease expiries and group rules. */
  void checkLeaderDuty(Command command) throws InvalidCommandException {
    if (!command.hasLeaseExpire() && !command.hasSetRules()) {
      throw new InvalidCommandException("the leader proposes only lease expiries and group "
          + "rules, not " + command.getOpCase());
    }
    check(command);
  }

  private void checkBatch(CommandBatch batch) throws InvalidCommandException {
    if (batch.getCommandsCount() == 0) {
      throw new InvalidCommandException("batch is empty");
    }
    for (Command c : batch.getCommandsList()) {
      if (!isBatchable(c)) {
        throw new InvalidCommandException("a batch holds only put, delete and txn commands");
      }
      check(c);
    }
  }

  static Command parse(ByteString bytes) throws InvalidCommandException {
    try {
      return Command.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new InvalidCommandException("malformed command: " + e.getMessage());
    }
  }

  /** The command a signed proposal carries: never another signed proposal. */
  static Command unwrap(SignedCommand signed) throws InvalidCommandException {
    Command inner = parse(signed.getCommand());
    if (inner.getOpCase() == Command.OpCase.SIGNED) {
      throw new InvalidCommandException("a signed proposal holds another signed proposal");
    }
    return inner;
  }

  /** The command a session carries, once its numbering is checked: never signed or numbered. */
  static Command unwrap(SessionCommand session) throws InvalidCommandException {
    if (session.getSession().size() != SESSION_ID_BYTES) {
      throw new InvalidCommandException("a session id is " + SESSION_ID_BYTES + " bytes, not "
          + session.getSession().size());
    }
    if (session.getFirstOpen() == 0
        || Long.compareUnsigned(session.getFirstOpen(), session.getSequence()) > 0) {
      throw new InvalidCommandException("a session's first open sequence must be from 1 to the "
          + "command's own");
    }
    Command inner = parse(session.getCommand());
    if (inner.getOpCase() == Command.OpCase.SIGNED || inner.getOpCase() == Command.OpCase.SESSION) {
      throw new InvalidCommandException("a session's command is neither signed nor numbered: "
          + "a signed proposal carries the session's command");
    }
    return inner;
  }

  /** Whether a command may travel in a {@link CommandBatch}: key writes only. */
  static boolean isBatchable(Command command) {
    return switch (command.getOpCase()) {
      case PUT, DELETE, TXN -> true;
      default -> false;
    };
  }

  void checkRange(RangeRequest range) throws InvalidCommandException {
    if (!range.getPrefix()) {
      checkKey(range.getKey());
    } else if (range.getKey().size() > limits.maxKeyBytes()) {
      throw new InvalidCommandException("prefix is " + range.getKey().size()
          + " bytes, over the limit of " + limits.maxKeyBytes());
    }
    if (range.getLimit() < 0) {
      throw new InvalidCommandException("range limit must not be negative");
    }
  }

  private void checkPut(PutRequest put) throws InvalidCommandException {
    checkKey(put.getKey());
    if (put.getValue().size() > limits.maxValueBytes()) {
      throw new InvalidCommandException("value is " + put.getValue().size()
          + " bytes, over the limit of " + limits.maxValueBytes());
    }
    if (put.getLease() < 0) {
      throw new InvalidCommandException("lease id must not be negative");
    }
  }

  private void checkDelete(DeleteRequest delete) throws InvalidCommandException {
    if (!delete.getPrefix()) {
      checkKey(delete.getKey());
    } else if (delete.getKey().isEmpty()) {
      throw new InvalidCommandException("refusing to delete with an empty prefix (the whole store)");
    }
  }

  private void checkTxn(TxnRequest txn) throws InvalidCommandException {
    if (txn.getCompareCount() > limits.maxTxnOps()
        || txn.getSuccessCount() > limits.maxTxnOps()
        || txn.getFailureCount() > limits.maxTxnOps()) {
      throw new InvalidCommandException("transaction has more than " + limits.maxTxnOps()
          + " compares or operations in a branch");
    }
    for (Compare compare : txn.getCompareList()) {
      checkKey(compare.getKey());
      if (compare.getTargetCase() == Compare.TargetCase.TARGET_NOT_SET) {
        throw new InvalidCommandException("compare on " + compare.getKey().toStringUtf8()
            + " has no target");
      }
    }
    checkOps(txn.getSuccessList());
    checkOps(txn.getFailureList());
  }

  private void checkOps(List<RequestOp> ops) throws InvalidCommandException {
    for (RequestOp op : ops) {
      switch (op.getRequestCase()) {
        case RANGE -> checkRange(op.getRange());
        case PUT -> checkPut(op.getPut());
        case DELETE -> checkDelete(op.getDelete());
        case REQUEST_NOT_SET -> throw new InvalidCommandException("transaction op is empty");
      }
    }
  }

  private void checkKey(ByteString key) throws InvalidCommandException {
    if (key.isEmpty()) {
      throw new InvalidCommandException("key must not be empty");
    }
    if (key.size() > limits.maxKeyBytes()) {
      throw new InvalidCommandException("key is " + key.size() + " bytes, over the limit of "
          + limits.maxKeyBytes());
    }
  }

  private static void checkAgent(String agent) throws InvalidCommandException {
    if (agent.isEmpty()) {
      throw new InvalidCommandException("agent id must not be empty");
    }
    int bytes = ByteString.copyFromUtf8(agent).size();
    if (bytes > MAX_AGENT_ID_BYTES) {
      throw new InvalidCommandException("agent id is " + bytes + " bytes, over the limit of "
          + MAX_AGENT_ID_BYTES);
    }
  }

  private static void checkLeaseId(long id) throws InvalidCommandException {
    if (id <= 0) {
      throw new InvalidCommandException("lease id must be positive");
    }
  }
}
