package io.flotilla.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.flotilla.agent.api.GroupCall;
import io.flotilla.agent.api.LeaseCall;
import io.flotilla.agent.api.LeaseGrantCall;
import io.flotilla.agent.api.LeaseGrpc;
import io.flotilla.consensus.proto.LeaseGrantResponse;
import io.flotilla.consensus.proto.LeaseInfo;
import io.flotilla.consensus.proto.LeaseListResponse;
import io.flotilla.consensus.proto.LeaseRevokeResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code flotilla lease grant|revoke|list}. */
@Command(name = "lease", mixinStandardHelpOptions = true,
    description = "Grant, revoke and list leases.",
    subcommands = {LeaseCommand.Grant.class, LeaseCommand.Revoke.class, LeaseCommand.List.class})
final class LeaseCommand {

  static LeaseGrpc.LeaseBlockingStub stub(Api api, io.grpc.ManagedChannel ch) {
    return LeaseGrpc.newBlockingStub(ch).withDeadlineAfter(api.deadlineMillis(), TimeUnit.MILLISECONDS);
  }

  @Command(name = "grant", mixinStandardHelpOptions = true,
      description = {"Grant a lease; keys put with it vanish when it expires.", "",
          "Example:", "  flotilla lease grant 10s"})
  static final class Grant implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions client;
    @Parameters(index = "0", paramLabel = "TTL", converter = DurationConverter.class) Duration ttl;

    @Override
    public Integer call() {
      try (Api api = client.connect()) {
        LeaseGrantResponse r = api.call(ch -> stub(api, ch).grant(LeaseGrantCall.newBuilder()
            .setGroup(client.group).setTtlMillis(ttl.toMillis()).build()));
        Output.print(spec.commandLine().getOut(), client.output, Output.JSON.objectNode()
                .put("id", r.getId()).put("ttl_ms", r.getTtlMillis()),
            new Output.Table().note("lease " + r.getId() + " granted with TTL "
                + DurationConverter.format(Duration.ofMillis(r.getTtlMillis()))));
        return 0;
      }
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true,
      description = {"Revoke a lease now, deleting its keys.", "", "Example:", "  flotilla lease revoke 42"})
  static final class Revoke implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions client;
    @Parameters(index = "0", paramLabel = "ID") long id;

    @Override
    public Integer call() {
      try (Api api = client.connect()) {
        LeaseRevokeResponse r = api.call(ch -> stub(api, ch).revoke(
            LeaseCall.newBuilder().setGroup(client.group).setId(id).build()));
        Output.print(spec.commandLine().getOut(), client.output, Output.JSON.objectNode()
                .put("revision", r.getRevision()).put("deleted_keys", r.getDeletedKeys()),
            new Output.Table().note("lease " + id + " revoked, " + r.getDeletedKeys() + " keys deleted"));
        return 0;
      }
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = {"List leases with their TTLs and the log index of their latest renewal.", "",
          "Only the leader measures a lease's time, on its own monotonic clock.", "", "Example:",
          "  flotilla lease list -o json"})
  static final class List implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions client;

    @Override
    public Integer call() {
      try (Api api = client.connect()) {
        LeaseListResponse r = api.call(ch -> stub(api, ch).list(
            GroupCall.newBuilder().setGroup(client.group).build()));
        ArrayNode leases = Output.JSON.arrayNode();
        Output.Table t = new Output.Table("ID", "TTL", "RENEWED AT", "KEYS");
        for (LeaseInfo l : r.getLeasesList()) {
          leases.add(Output.JSON.objectNode().put("id", l.getId()).put("ttl_ms", l.getTtlMillis())
              .put("renewed_index", l.getRenewedIndex()).put("keys", l.getKeys()));
          t.row(l.getId(), DurationConverter.format(Duration.ofMillis(l.getTtlMillis())),
              l.getRenewedIndex(), l.getKeys());
        }
        Output.print(spec.commandLine().getOut(), client.output,
            Output.JSON.objectNode().set("leases", leases), t);
        return 0;
      }
    }
  }
}
