package io.flotilla.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.flotilla.agent.api.Consistency;
import io.flotilla.agent.api.DeleteCall;
import io.flotilla.agent.api.KVGrpc;
import io.flotilla.agent.api.PutCall;
import io.flotilla.agent.api.RangeCall;
import io.flotilla.agent.api.TxnCall;
import io.flotilla.consensus.proto.DeleteRequest;
import io.flotilla.consensus.proto.DeleteResponse;
import io.flotilla.consensus.proto.KeyValue;
import io.flotilla.consensus.proto.PutRequest;
import io.flotilla.consensus.proto.PutResponse;
import io.flotilla.consensus.proto.RangeRequest;
import io.flotilla.consensus.proto.RangeResponse;
import io.flotilla.consensus.proto.TxnRequest;
import io.flotilla.consensus.proto.TxnResponse;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Key-value commands: get, put, del, txn. */
final class KvCommands {
  private KvCommands() {}

  static KVGrpc.KVBlockingStub kv(Api api, io.grpc.ManagedChannel ch) {
    return KVGrpc.newBlockingStub(ch).withDeadlineAfter(api.deadlineMillis(), TimeUnit.MILLISECONDS);
  }

  static ByteString utf8(String s) {
    return ByteString.copyFromUtf8(s);
  }

  @Command(name = "get", mixinStandardHelpOptions = true,
      description = {"Read a key, or every key under a prefix.", "",
          "Examples:", "  flotilla get mission/plan", "  flotilla get --prefix task/ -o json",
          "  flotilla get --consistency stale mission/plan   # served by the first endpoint"})
  static final class Get implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions client;
    @Parameters(index = "0", paramLabel = "KEY") String key;
    @Option(names = "--prefix", description = "Read every key starting with KEY.") boolean prefix;
    @Option(names = "--limit", defaultValue = "0", description = "At most this many keys (0: all).") long limit;
    @Option(names = "--consistency", defaultValue = "linearizable",
        description = "linearizable, leader-local or stale (default ${DEFAULT-VALUE}).")
    String consistency;

    @Override
    public Integer call() {
      Consistency c = switch (consistency) {
        case "linearizable" -> Consistency.LINEARIZABLE;
        case "leader-local" -> Consistency.LEADER_LOCAL;
        case "stale" -> Consistency.STALE;
        default -> throw CliException.usage("--consistency must be linearizable, leader-local or stale");
      };
      try (Api api = client.connect()) {
        RangeResponse r = api.call(ch -> kv(api, ch).range(RangeCall.newBuilder()
            .setGroup(client.group)
            .setRange(RangeRequest.newBuilder().setKey(utf8(key)).setPrefix(prefix).setLimit(limit))
            .setConsistency(c).build()));
        Output.Table t = new Output.Table("KEY", "VALUE", "REVISION", "VERSION", "LEASE");
        for (KeyValue kv : r.getKvsList()) {
          t.row(kv.getKey().toStringUtf8(), kv.getValue().toStringUtf8(), kv.getModRevision(),
              kv.getVersion(), kv.getLease() == 0 ? "-" : kv.getLease());
        }
        ObjectNode json = Output.JSON.objectNode()
            .put("revision", r.getRevision()).put("count", r.getCount()).put("more", r.getMore());
        json.set("kvs", Output.kvs(r.getKvsList()));
        if (r.getStale()) {
          json.put("stale", true).put("served_by", r.getServedBy())
              .put("leader_contact_age_ms", r.getLeaderContactAgeMs());
          // On stderr, so that the table or JSON on stdout stays what scripts parse.
          spec.commandLine().getErr().printf(Locale.ROOT,
              "stale: served by %s from its own replica, last leader contact %.1f s ago%n",
              r.getServedBy(), r.getLeaderContactAgeMs() / 1000.0);
          spec.commandLine().getErr().flush();
        }
        Output.print(spec.commandLine().getOut(), client.output, json, t);
        if (r.getKvsCount() == 0 && !prefix) {
          throw CliException.refused("key " + key + " not found");
        }
        return 0;
      }
    }
  }

  @Command(name = "put", mixinStandardHelpOptions = true,
      description = {"Write a key.", "", "Examples:", "  flotilla put mission/plan 'survey north field'",
          "  flotilla put presence/drone-7 online --lease 42"})
  static final class Put implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions client;
    @Parameters(index = "0", paramLabel = "KEY") String key;
    @Parameters(index = "1", paramLabel = "VALUE") String value;
    @Option(names = "--lease", defaultValue = "0", description = "Attach the key to this lease.") long lease;

    @Override
    public Integer call() {
      try (Api api = client.connect()) {
        PutResponse r = api.call(ch -> kv(api, ch).put(PutCall.newBuilder().setGroup(client.group)
            .setPut(PutRequest.newBuilder().setKey(utf8(key)).setValue(utf8(value))
                .setLease(lease).setPrevKv(true)).build()));
        ObjectNode json = Output.JSON.objectNode().put("revision", r.getRevision());
        if (r.hasPrevKv()) {
          json.set("prev_kv", Output.kv(r.getPrevKv()));
        }
        Output.print(spec.commandLine().getOut(), client.output, json,
            new Output.Table().note("OK revision " + r.getRevision()));
        return 0;
      }
    }
  }

  @Command(name = "del", mixinStandardHelpOptions = true,
      description = {"Delete a key, or every key under a prefix.", "",
          "Examples:", "  flotilla del mission/plan", "  flotilla del --prefix task/"})
  static final class Del implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions client;
    @Parameters(index = "0", paramLabel = "KEY") String key;
    @Option(names = "--prefix", description = "Delete every key starting with KEY.") boolean prefix;

    @Override
    public Integer call() {
      try (Api api = client.connect()) {
        DeleteResponse r = api.call(ch -> kv(api, ch).delete(DeleteCall.newBuilder()
            .setGroup(client.group)
            .setDelete(DeleteRequest.newBuilder().setKey(utf8(key)).setPrefix(prefix)).build()));
        Output.print(spec.commandLine().getOut(), client.output, Output.JSON.objectNode()
                .put("revision", r.getRevision()).put("deleted", r.getDeleted()),
            new Output.Table().note(r.getDeleted() + " deleted"));
        return r.getDeleted() == 0 ? Flotilla.EXIT_REFUSED : 0;
      }
    }
  }

  @Command(name = "txn", mixinStandardHelpOptions = true,
      description = {"Run a transaction: if every --if holds, the --then operations, else the --else ones,",
          "atomically. Exit code 1 when a compare failed.", "",
          "Compares:   value(KEY) = TEXT   version(KEY) = N   create(KEY) = N   mod(KEY) = N   lease(KEY) = N",
          "            (operators: = != > <; a missing key has version 0)",
          "Operations: put KEY VALUE...   del KEY   get KEY", "",
          "Examples:",
          "  flotilla txn --if 'version(claim/task-7) = 0' --then 'put claim/task-7 drone-3' --else 'get claim/task-7'",
          "  flotilla txn --if 'value(plan) = v1' --then 'put plan v2'"})
  static final class Txn implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions client;
    @Option(names = "--if", paramLabel = "COMPARE") List<String> compares = List.of();
    @Option(names = "--then", paramLabel = "OP") List<String> then = List.of();
    @Option(names = "--else", paramLabel = "OP") List<String> otherwise = List.of();

    @Override
    public Integer call() {
      TxnRequest.Builder txn = TxnRequest.newBuilder();
      compares.forEach(c -> txn.addCompare(TxnSyntax.compare(c)));
      then.forEach(o -> txn.addSuccess(TxnSyntax.op(o)));
      otherwise.forEach(o -> txn.addFailure(TxnSyntax.op(o)));
      try (Api api = client.connect()) {
        TxnResponse r = api.call(ch -> kv(api, ch).txn(
            TxnCall.newBuilder().setGroup(client.group).setTxn(txn).build()));
        ArrayNode responses = Output.JSON.arrayNode();
        Output.Table t = new Output.Table().note(r.getSucceeded() ? "SUCCEEDED" : "FAILED");
        for (var op : r.getResponsesList()) {
          switch (op.getResponseCase()) {
            case PUT -> {
              responses.add(Output.JSON.objectNode().put("op", "put")
                  .put("revision", op.getPut().getRevision()));
              t.note("OK revision " + op.getPut().getRevision());
            }
            case DELETE -> {
              responses.add(Output.JSON.objectNode().put("op", "del")
                  .put("deleted", op.getDelete().getDeleted()));
              t.note(op.getDelete().getDeleted() + " deleted");
            }
            case RANGE -> {
              responses.add(Output.JSON.objectNode().put("op", "get")
                  .set("kvs", Output.kvs(op.getRange().getKvsList())));
              op.getRange().getKvsList().forEach(kv ->
                  t.note(kv.getKey().toStringUtf8() + " = " + kv.getValue().toStringUtf8()));
            }
            case RESPONSE_NOT_SET -> { }
          }
        }
        Output.print(spec.commandLine().getOut(), client.output, Output.JSON.objectNode()
            .put("succeeded", r.getSucceeded()).put("revision", r.getRevision())
            .set("responses", responses), t);
        return r.getSucceeded() ? 0 : Flotilla.EXIT_REFUSED;
      }
    }
  }
}
