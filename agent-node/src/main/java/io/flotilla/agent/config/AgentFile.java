package io.flotilla.agent.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * An agent's YAML file as written: the one schema that {@link ConfigLoader} reads and that
 * every tool starting agents writes ({@link #toYaml}). A key left out is null here and takes
 * its default in {@link ConfigLoader#load}, which also checks every value; this type checks
 * nothing. The keys and their meaning are listed on {@link ConfigLoader}.
 */
public record AgentFile(
    String id,
    String dataDir,
    String raftAddress,
    String apiAddress,
    String metricsAddress,
    String profile,
    String readMode,
    Limits limits,
    ClientLimits clientLimits,
    Tls tls,
    List<Access> access,
    String identityKey,
    String signedProposals,
    String kind,
    Boolean voterEligible,
    List<Group> groups) {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES))
      .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
      .setSerializationInclusion(JsonInclude.Include.NON_NULL)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** A file that sets nothing: every key takes its default. */
  static final AgentFile EMPTY = builder(null, null, null, null, null).build();

  /** An agent with its addresses; every other key left to its default unless set. */
  public static Builder builder(String id, String dataDir, String raftAddress,
      String apiAddress, String metricsAddress) {
    return new Builder(id, dataDir, raftAddress, apiAddress, metricsAddress);
  }

  /** The keys the project's own tools set; the rest stay at their defaults. */
  public static final class Builder {
    private final String id;
    private final String dataDir;
    private final String raftAddress;
    private final String apiAddress;
    private final String metricsAddress;
    private String profile;
    private String readMode;
    private Tls tls;
    private String kind;
    private List<Group> groups;

    private Builder(String id, String dataDir, String raftAddress, String apiAddress,
        String metricsAddress) {
      this.id = id;
      this.dataDir = dataDir;
      this.raftAddress = raftAddress;
      this.apiAddress = apiAddress;
      this.metricsAddress = metricsAddress;
    }

    public Builder profile(String profile) {
      this.profile = profile;
      return this;
    }

    public Builder readMode(String readMode) {
      this.readMode = readMode;
      return this;
    }

    public Builder tls(Tls tls) {
      this.tls = tls;
      return this;
    }

    public Builder kind(String kind) {
      this.kind = kind;
      return this;
    }

    public Builder groups(Group... groups) {
      this.groups = List.of(groups);
      return this;
    }

    public AgentFile build() {
      return new AgentFile(id, dataDir, raftAddress, apiAddress, metricsAddress, profile,
          readMode, null, null, tls, null, null, null, kind, null, groups);
    }
  }

  /** The file's text, keys in the order of this record; keys left out are not written. */
  public String toYaml() {
    try {
      return YAML.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an agent file could not be written as YAML", e);
    }
  }

  /** Writes {@link #toYaml} to {@code file}, replacing what it held. */
  public void write(Path file) throws IOException {
    Files.writeString(file, toYaml());
  }

  /**
   * Reads a file as written, checking only that it is YAML of known keys and types.
   *
   * @throws IOException Jackson's, naming the key and line, when it is not
   */
  public static AgentFile read(Path file) throws IOException {
    AgentFile f = YAML.readValue(file.toFile(), AgentFile.class);
    return f == null ? EMPTY : f;
  }

  /**
   * The line of {@code file} where the key at {@code key} is written, or -1. Jackson names an
   * unknown key of a record only once the record's last key is read, at that later line.
   */
  static int lineOf(Path file, JsonPointer key) throws IOException {
    try (JsonParser p = YAML.getFactory().createParser(file.toFile())) {
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        if (t == JsonToken.FIELD_NAME && p.getParsingContext().pathAsPointer().equals(key)) {
          return p.currentLocation().getLineNr();
        }
      }
    }
    return -1;
  }

  /**
   * A group: one this agent is a member of, or ({@link #join}) one it joins, listing the
   * current members; as a forward's {@code council}, only its id and members are read.
   */
  public record Group(String id, Boolean join, Integer voters, Forward forward,
      List<Member> members) {
    public static Group of(String id, List<Member> members) {
      return new Group(id, null, null, null, members);
    }

    /** This agent waits, with an empty replica, for an operator to add it. */
    public Group joining() {
      return new Group(id, true, voters, forward, members);
    }

    /** The group's leader keeps {@code voters} healthy voters, the rest listeners. */
    public Group withVoters(int voters) {
      return new Group(id, join, voters, forward, members);
    }

    public Group withForward(Forward forward) {
      return new Group(id, join, voters, forward, members);
    }
  }

  /** A member of a group; {@code role} is {@code voter} (when null) or {@code listener}. */
  public record Member(String id, String address, String role, Integer priority) {
    public static Member voter(String id, String address) {
      return new Member(id, address, null, null);
    }

    public static Member withRole(String id, String address, String role) {
      return new Member(id, address, role, null);
    }
  }

  /** What a squad's leader forwards up to and down from a council; see {@code Forwarding}. */
  public record Forward(Group council, String up, String down, Integer batch, Long delayMs) {
    public static Forward between(Group council, String up, String down) {
      return new Forward(council, up, down, null, null);
    }
  }

  /** Mutual TLS files, as paths. */
  public record Tls(String ca, String cert, String key) {}

  /** One client's access rule; {@code prefix} only for the write role. */
  public record Access(String client, String role, String prefix) {}

  /** The groups' rules this agent proposes while it leads one; null keeps the default. */
  public record Limits(Integer maxKeyBytes, Integer maxValueBytes, Integer maxTxnOps,
      Long minLeaseTtlMs, Long maxLeaseTtlMs, Integer watchHistory) {}

  /** Limits per client of this agent's API; null keeps the default. */
  public record ClientLimits(Integer requestsPerSecond, Integer burst, Integer watches,
      Integer leases) {}
}
