package io.flotilla.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.flotilla.agent.api.AgentsReply;
import io.flotilla.agent.api.EnrollCall;
import io.flotilla.agent.api.GroupCall;
import io.flotilla.agent.api.MemberCall;
import io.flotilla.agent.trust.FleetCa;
import io.flotilla.agent.trust.TrustFileException;
import io.flotilla.consensus.proto.AgentIdentity;
import io.flotilla.consensus.proto.ProposalRejections;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.Base64;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code flotilla identity enroll|revoke|list}: the agents whose signed proposals a group applies. */
@Command(name = "identity", mixinStandardHelpOptions = true,
    description = {"Enroll, revoke and list the agents' Ed25519 keys that a group checks its",
        "signed proposals against. The agent at the endpoint signs enrolls and revokes with its",
        "own identity-key: once any agent is enrolled, that agent must be enrolled too."},
    subcommands = {IdentityCommand.Enroll.class, IdentityCommand.Revoke.class,
        IdentityCommand.List.class})
final class IdentityCommand {

  /** Prints the group's enrolled agents and its rejection counts, as every subcommand answers. */
  static void print(CommandSpec spec, ClientOptions client, AgentsReply r) {
    Output.Table t = new Output.Table("ID", "KEY FINGERPRINT", "LAST SEQUENCE");
    ArrayNode agents = Output.JSON.arrayNode();
    for (AgentIdentity a : r.getAgentsList()) {
      String sequence = Long.toUnsignedString(a.getLastSequence());
      t.row(a.getAgent(), fingerprint(a.getPublicKey().toByteArray()), sequence);
      agents.addObject().put("id", a.getAgent())
          .put("public_key", Base64.getEncoder().encodeToString(a.getPublicKey().toByteArray()))
          .put("fingerprint", fingerprint(a.getPublicKey().toByteArray()))
          .put("last_sequence", new BigInteger(sequence));
    }
    ProposalRejections n = r.getRejections();
    t.note("refused proposals: forged " + n.getForged() + ", replayed " + n.getReplayed()
        + ", unenrolled " + n.getUnenrolled() + ", unsigned " + n.getUnsigned());
    ObjectNode json = Output.JSON.objectNode().put("group", r.getGroup());
    json.set("agents", agents);
    json.putObject("rejections").put("forged", n.getForged()).put("replayed", n.getReplayed())
        .put("unenrolled", n.getUnenrolled()).put("unsigned", n.getUnsigned());
    Output.print(spec.commandLine().getOut(), client.output, json, t);
  }

  /** {@code SHA256:} and the unpadded base64 of the key's DER digest, as ssh shows keys. */
  static String fingerprint(byte[] der) {
    try {
      return "SHA256:" + Base64.getEncoder().withoutPadding()
          .encodeToString(MessageDigest.getInstance("SHA-256").digest(der));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always has SHA-256", e);
    }
  }

  @Command(name = "enroll", mixinStandardHelpOptions = true,
      description = {"Enroll an agent's Ed25519 public key: the group applies its signed proposals",
          "from then on. In a group with no agent enrolled yet, enroll first the agent at the",
          "endpoint (it proves it holds its key by signing), then the others through it.", "",
          "Example:",
          "  flotilla identity enroll agent-2 --public-key certs/agent-2.identity.pub"})
  static final class Enroll implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions client;
    @Parameters(index = "0", paramLabel = "NAME") String name;
    @Option(names = "--public-key", required = true, paramLabel = "FILE",
        description = "The agent's public key, X.509 PEM (flotilla certs issue writes NAME.identity.pub).")
    Path publicKey;

    @Override
    public Integer call() {
      PublicKey key;
      try {
        key = FleetCa.readPublicKey(publicKey);
      } catch (TrustFileException e) {
        throw CliException.usage(e.getMessage());
      }
      try (Api api = client.connect()) {
        print(spec, client, api.call(ch -> ClusterCommands.cluster(api, ch).enrollAgent(
            EnrollCall.newBuilder().setGroup(client.group).setAgentId(name)
                .setPublicKey(ByteString.copyFrom(key.getEncoded())).build())));
        return 0;
      }
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true,
      description = {"Revoke an agent's key: the group refuses its proposals from then on.", "",
          "Example:", "  flotilla identity revoke agent-2"})
  static final class Revoke implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions client;
    @Parameters(index = "0", paramLabel = "NAME") String name;

    @Override
    public Integer call() {
      try (Api api = client.connect()) {
        print(spec, client, api.call(ch -> ClusterCommands.cluster(api, ch).revokeAgent(
            MemberCall.newBuilder().setGroup(client.group).setId(name).build())));
        return 0;
      }
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = {"List the enrolled agents and the proposals the group refused, by reason.", "",
          "Example:", "  flotilla identity list -o json"})
  static final class List implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions client;

    @Override
    public Integer call() {
      try (Api api = client.connect()) {
        print(spec, client, api.call(ch -> ClusterCommands.cluster(api, ch).listAgents(
            GroupCall.newBuilder().setGroup(client.group).build())));
        return 0;
      }
    }
  }
}
