package io.flotilla.agent.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.flotilla.agent.access.AccessRule;
import io.flotilla.agent.access.Role;
import io.flotilla.agent.config.AgentConfig.HostPort;
import io.flotilla.agent.forward.Forwarding;
import io.flotilla.agent.trust.AgentTrust;
import io.flotilla.agent.trust.FleetCa;
import io.flotilla.agent.trust.TlsFiles;
import io.flotilla.agent.trust.TrustFileException;
import io.flotilla.consensus.identity.ProposalSignature;
import io.flotilla.agent.limits.ClientLimits;
import io.flotilla.consensus.kv.Limits;
import io.flotilla.consensus.group.FleetGroup;
import io.flotilla.consensus.group.FleetPeer;
import io.flotilla.consensus.server.ReadMode;
import io.flotilla.consensus.server.TuningProfile;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Builds an {@link AgentConfig} from, in increasing precedence: defaults that run one node on
 * this machine, a YAML file, {@code FLOTILLA_*} environment variables, and command-line
 * overrides. Every problem is reported as a {@link ConfigException} naming the key.
 *
 * <pre>
 * id: drone-7
 * data-dir: /var/lib/flotilla
 * raft-address: 10.0.0.7:7001
 * api-address: 127.0.0.1:7101
 * metrics-address: 127.0.0.1:7201
 * profile: radio            # lan | radio
 * read-mode: read-index     # read-index | leader-lease (| unsafe-local: never in production,
 *                           #  see AgentConfig#unsafeLocalReads)
 * limits:                   # proposed as its groups' rules while this agent leads; defaults
 *   max-key-bytes: 4096
 *   max-value-bytes: 1048576
 *   max-txn-ops: 128
 *   min-lease-ttl-ms: 1000
 *   max-lease-ttl-ms: 86400000
 *   watch-history: 10000    # events kept for watches that start in the past
 * tls:                      # mutual TLS on Raft traffic and the API (see flotilla certs)
 *   ca: certs/ca.pem         # the fleet CA: peers and clients need a certificate it signed
 *   cert: certs/drone-7.pem  # this agent's certificate chain
 *   key: certs/drone-7.key   # its private key (PKCS#8 PEM)
 * access:                   # who may call the API, by certificate name (needs tls); absent:
 *   - {client: operator, role: admin}          # any client with a fleet certificate may do all
 *   - {client: autopilot, role: write, prefix: mission/}   # write keys under mission/ only
 *   - {client: dashboard, role: read}
 * identity-key: certs/drone-7.identity.key   # Ed25519 (PKCS#8 PEM): this agent signs every
 *                                            #  proposal it sends with it, as agent `id`
 * signed-proposals: optional   # optional | required: the groups apply only signed proposals
 *                              #  of enrolled agents; a group rule, as the limits are
 * client-limits:            # per client of this node's API (certificate name, else IP address);
 *                           #  0 turns a limit off; over a limit: RESOURCE_EXHAUSTED; defaults shown
 *   requests-per-second: 50000   # calls, and stream messages after a stream's first
 *   burst: 50000            # requests at once beyond the rate (default: requests-per-second)
 *   watches: 1000           # watches held at once (Watch streams' watches, Election observes)
 *   leases: 1000            # live leases granted through this node
 * kind: mobile             # mobile | ground: what the agent is (shown with its presence)
 * voter-eligible: true     # whether this agent may be made a voter by a group's leader
 * groups:
 *   - id: squad-1
 *     voters: 3            # the leader keeps 3 healthy voters, the rest listeners (absent: the
 *                          #  voter set changes only by hand)
 *     forward:             # while this agent leads squad-1, it forwards to and from a council
 *       council: {id: council, members: [{id: ground-1, address: 10.0.0.1:7001}]}
 *       up: decisions/     # squad keys under it go to the council under squads/squad-1/
 *       down: fleet/       # council keys under it come into this group at the same keys
 *       batch: 64          # changes per transaction at most
 *       delay-ms: 500      # how long changes gather before a batch goes
 *     members:
 *       - {id: drone-7, address: 10.0.0.7:7001, role: voter}
 *       - {id: drone-8, address: 10.0.0.8:7001, role: listener}
 *   - id: council          # a group this agent joins: the members listed are the current ones,
 *     join: true           # and an operator adds this agent with `flotilla member add`
 *     members:
 *       - {id: ground-1, address: 10.0.0.1:7001}
 * </pre>
 */
public final class ConfigLoader {
  /** The keys settable by environment ({@code FLOTILLA_DATA_DIR}) and flags ({@code data-dir}). */
  public static final List<String> SCALAR_KEYS = List.of(
      "id", "data-dir", "raft-address", "api-address", "metrics-address", "profile", "read-mode");

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  private ConfigLoader() {}

  /** The file's contents as written; fields left out are null. */
  @SuppressWarnings("unused") // bound by Jackson
  static final class FileConfig {
    public String id;
    public String dataDir;
    public String raftAddress;
    public String apiAddress;
    public String metricsAddress;
    public String profile;
    public String readMode;
    public List<GroupEntry> groups;
    public LimitsEntry limits;
    public ClientLimitsEntry clientLimits;
    public TlsEntry tls;
    public List<AccessEntry> access;
    public String identityKey;
    public String signedProposals;
    public String kind;
    public Boolean voterEligible;
  }

  @SuppressWarnings("unused")
  static final class ForwardEntry {
    public GroupEntry council;
    public String up;
    public String down;
    public int batch = 64;
    public long delayMs = 500;
  }

  @SuppressWarnings("unused")
  static final class TlsEntry {
    public String ca;
    public String cert;
    public String key;
  }

  @SuppressWarnings("unused")
  static final class AccessEntry {
    public String client;
    public String role;
    public String prefix;
  }

  @SuppressWarnings("unused")
  static final class LimitsEntry {
    public int maxKeyBytes = Limits.DEFAULT.maxKeyBytes();
    public int maxValueBytes = Limits.DEFAULT.maxValueBytes();
    public int maxTxnOps = Limits.DEFAULT.maxTxnOps();
    public long minLeaseTtlMs = Limits.DEFAULT.minLeaseTtlMillis();
    public long maxLeaseTtlMs = Limits.DEFAULT.maxLeaseTtlMillis();
    public int watchHistory = Limits.DEFAULT.watchHistory();
  }

  @SuppressWarnings("unused")
  static final class ClientLimitsEntry {
    public int requestsPerSecond = ClientLimits.DEFAULT.requestsPerSecond();
    /** Null means as many as requests-per-second. */
    public Integer burst;
    public int watches = ClientLimits.DEFAULT.watches();
    public int leases = ClientLimits.DEFAULT.leases();
  }

  @SuppressWarnings("unused")
  static final class GroupEntry {
    public String id;
    public boolean join;
    public Integer voters;
    public ForwardEntry forward;
    public List<MemberEntry> members;
  }

  @SuppressWarnings("unused")
  static final class MemberEntry {
    public String id;
    public String address;
    public String role;
    public Integer priority;
  }

  /**
   * @param file the YAML file, or null for none
   * @param env the process environment ({@code FLOTILLA_*} entries are read)
   * @param overrides command-line values by key (see {@link #SCALAR_KEYS})
   */
  public static AgentConfig load(Path file, Map<String, String> env, Map<String, String> overrides)
      throws ConfigException {
    FileConfig f = file == null ? new FileConfig() : read(file);
    Map<String, String> values = new LinkedHashMap<>();
    values.put("id", f.id);
    values.put("data-dir", f.dataDir);
    values.put("raft-address", f.raftAddress);
    values.put("api-address", f.apiAddress);
    values.put("metrics-address", f.metricsAddress);
    values.put("profile", f.profile);
    values.put("read-mode", f.readMode);
    for (String key : SCALAR_KEYS) {
      String fromEnv = env.get("FLOTILLA_" + key.toUpperCase(Locale.ROOT).replace('-', '_'));
      if (fromEnv != null && !fromEnv.isBlank()) {
        values.put(key, fromEnv);
      }
    }
    for (Map.Entry<String, String> o : overrides.entrySet()) {
      if (!SCALAR_KEYS.contains(o.getKey())) {
        throw new ConfigException(o.getKey(), "unknown key");
      }
      if (o.getValue() != null) {
        values.put(o.getKey(), o.getValue());
      }
    }

    String id = orDefault(values.get("id"), "agent-1");
    if (id.isBlank() || !id.matches("[A-Za-z0-9._-]+")) {
      throw new ConfigException("id", "'" + id + "' must be letters, digits, '.', '_' or '-'");
    }
    HostPort raft = hostPort("raft-address", orDefault(values.get("raft-address"), "127.0.0.1:7001"));
    HostPort api = hostPort("api-address", orDefault(values.get("api-address"), "127.0.0.1:7101"));
    HostPort metrics =
        hostPort("metrics-address", orDefault(values.get("metrics-address"), "127.0.0.1:7201"));
    TuningProfile profile = choice("profile", orDefault(values.get("profile"), "lan"),
        Map.of("lan", TuningProfile.LAN, "radio", TuningProfile.RADIO));
    String readModeName = orDefault(values.get("read-mode"), "read-index");
    boolean unsafeLocalReads = readModeName.equals("unsafe-local");
    ReadMode readMode = unsafeLocalReads ? ReadMode.READ_INDEX : choice("read-mode", readModeName,
        Map.of("read-index", ReadMode.READ_INDEX, "leader-lease", ReadMode.LEADER_LEASE));
    Path dataDir = path("data-dir", orDefault(values.get("data-dir"), "flotilla-data/" + id));

    List<FleetGroup> groups = f.groups == null || f.groups.isEmpty()
        ? List.of(AgentConfig.soloGroup(id, raft))
        : groups(f.groups, id, raft);
    Set<String> joining = new HashSet<>();
    if (f.groups != null) {
      f.groups.stream().filter(g -> g.join).forEach(g -> joining.add(g.id));
    }
    Limits limits = Limits.DEFAULT;
    if (f.limits != null) {
      try {
        limits = new Limits(f.limits.maxKeyBytes, f.limits.maxValueBytes, f.limits.maxTxnOps,
            f.limits.minLeaseTtlMs, f.limits.maxLeaseTtlMs, f.limits.watchHistory);
      } catch (IllegalArgumentException e) {
        throw new ConfigException("limits", e.getMessage());
      }
    }
    TlsFiles tls = f.tls == null ? null : tls(f.tls);
    List<AccessRule> access = f.access == null ? null : access(f.access, tls != null);
    PrivateKey identityKey = f.identityKey == null ? null : identityKey(f.identityKey);
    boolean requireSignedProposals = choice("signed-proposals",
        orDefault(f.signedProposals, "optional"), Map.of("optional", false, "required", true));
    String kind = choice("kind", orDefault(f.kind, "mobile"),
        Map.of("mobile", "mobile", "ground", "ground"));
    Map<String, Integer> targetVoters = new LinkedHashMap<>();
    Map<String, Forwarding> forwarding = new LinkedHashMap<>();
    if (f.groups != null) {
      for (int g = 0; g < f.groups.size(); g++) {
        GroupEntry e = f.groups.get(g);
        if (e.voters != null) {
          if (e.voters < 1) {
            throw new ConfigException("groups[" + g + "].voters",
                "a group needs at least 1 voter, not " + e.voters);
          }
          targetVoters.put(e.id, e.voters);
        }
        if (e.forward != null) {
          forwarding.put(e.id, forwarding("groups[" + g + "].forward", e.forward, e.id, limits));
        }
      }
    }
    return new AgentConfig(id, dataDir, raft, api, metrics, profile, readMode, groups, joining,
        limits, clientLimits(f.clientLimits), unsafeLocalReads, tls, access, identityKey,
        requireSignedProposals, kind, f.voterEligible == null || f.voterEligible, targetVoters,
        forwarding);
  }

  private static Forwarding forwarding(String key, ForwardEntry e, String squad, Limits limits)
      throws ConfigException {
    if (e.council == null) {
      throw new ConfigException(key + ".council", "missing (the group to forward to and from)");
    }
    FleetGroup council = remoteGroup(key + ".council", e.council);
    if (council.name().equals(squad)) {
      throw new ConfigException(key + ".council", "a group cannot forward to itself");
    }
    if (e.up == null && e.down == null) {
      throw new ConfigException(key, "needs up, down or both (the prefixes forwarded)");
    }
    for (String[] p : new String[][] {{"up", e.up}, {"down", e.down}}) {
      if (p[1] != null && (p[1].isEmpty() || p[1].startsWith("_flotilla/"))) {
        throw new ConfigException(key + "." + p[0], "'" + p[1]
            + "' must be a non-empty prefix outside _flotilla/");
      }
    }
    if (e.batch < 1 || e.batch >= limits.maxTxnOps()) {
      throw new ConfigException(key + ".batch", e.batch + " must be 1 to "
          + (limits.maxTxnOps() - 1) + " (one transaction op stays for the cursor)");
    }
    if (e.delayMs < 1) {
      throw new ConfigException(key + ".delay-ms", "must be at least 1, not " + e.delayMs);
    }
    return new Forwarding(council, e.up, e.down, e.batch, Duration.ofMillis(e.delayMs));
  }

  /** A group this agent talks to without being a member: only its id and members are read. */
  private static FleetGroup remoteGroup(String key, GroupEntry e) throws ConfigException {
    if (e.id == null || e.id.isBlank()) {
      throw new ConfigException(key + ".id", "missing");
    }
    if (e.members == null || e.members.isEmpty()) {
      throw new ConfigException(key + ".members", "group " + e.id + " has no members");
    }
    List<FleetPeer> peers = new ArrayList<>();
    for (int m = 0; m < e.members.size(); m++) {
      MemberEntry me = e.members.get(m);
      String mk = key + ".members[" + m + "]";
      if (me == null || me.id == null || me.id.isBlank() || me.address == null) {
        throw new ConfigException(mk, "needs an id and an address");
      }
      hostPort(mk + ".address", me.address);
      peers.add(FleetPeer.voter(me.id, me.address));
    }
    return new FleetGroup(e.id, peers);
  }

  private static PrivateKey identityKey(String file) throws ConfigException {
    PrivateKey key;
    try {
      key = FleetCa.readPrivateKey(path("identity-key", file));
    } catch (TrustFileException e) {
      throw new ConfigException("identity-key", e.getMessage());
    }
    try {
      return ProposalSignature.requirePrivateKey(key);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("identity-key", file + " holds an " + key.getAlgorithm()
          + " key, not an Ed25519 one (flotilla certs issue writes NAME.identity.key)");
    }
  }

  private static TlsFiles tls(TlsEntry t) throws ConfigException {
    return new TlsFiles(readable("tls.ca", t.ca), readable("tls.cert", t.cert),
        readable("tls.key", t.key));
  }

  private static Path readable(String key, String file) throws ConfigException {
    if (file == null || file.isBlank()) {
      throw new ConfigException(key, "missing (tls needs ca, cert and key)");
    }
    Path p = path(key, file);
    if (!Files.isReadable(p)) {
      throw new ConfigException(key, file + " is not a readable file");
    }
    return p;
  }

  private static List<AccessRule> access(List<AccessEntry> entries, boolean tls)
      throws ConfigException {
    if (!tls) {
      throw new ConfigException("access", "needs tls: clients are named by their certificates");
    }
    List<AccessRule> rules = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < entries.size(); i++) {
      AccessEntry e = entries.get(i);
      String key = "access[" + i + "]";
      if (e == null || e.client == null || e.client.isBlank()) {
        throw new ConfigException(key + ".client", "missing");
      }
      if (!seen.add(e.client)) {
        throw new ConfigException(key + ".client", "'" + e.client + "' is listed twice");
      }
      Role role = choice(key + ".role", e.role == null ? "" : e.role,
          Map.of("read", Role.READ, "write", Role.WRITE, "admin", Role.ADMIN));
      if (e.prefix != null && role != Role.WRITE) {
        throw new ConfigException(key + ".prefix", "only a write role has a prefix");
      }
      rules.add(new AccessRule(e.client, role, e.prefix));
    }
    return rules;

  }

  private static ClientLimits clientLimits(ClientLimitsEntry e) throws ConfigException {
    if (e == null) {
      return ClientLimits.DEFAULT;
    }
    try {
      return new ClientLimits(e.requestsPerSecond,
          e.burst == null ? e.requestsPerSecond : e.burst, e.watches, e.leases);
    } catch (IllegalArgumentException ex) {
      throw new ConfigException("client-limits", ex.getMessage());
    }
  }

  /**
   * Checks what only the machine can tell: the data directory is writable and the ports are
   * free. Separate from {@link #load} so that tools can read a config without running it.
   */
  public static void checkRunnable(AgentConfig config) throws ConfigException {
    try {
      Files.createDirectories(config.dataDir());
      Path probe = Files.createTempFile(config.dataDir(), ".write-check", "");
      Files.delete(probe);
    } catch (IOException | SecurityException e) {
      throw new ConfigException("data-dir", config.dataDir() + " is not writable ("
          + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
    }
    if (config.tls() != null) {
      try {
        AgentTrust.load(config.tls());
      } catch (TrustFileException e) {
        throw new ConfigException("tls", e.getMessage());
      }
    }
    checkFree("raft-address", config.raftAddress());
    checkFree("api-address", config.apiAddress());
    checkFree("metrics-address", config.metricsAddress());
  }

  private static void checkFree(String key, HostPort hp) throws ConfigException {
    if (hp.port() == 0) {
      return;
    }
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(hp.host(), hp.port()));
    } catch (IOException e) {
      throw new ConfigException(key, hp + " cannot be bound (" + e.getMessage() + ")");
    }
  }

  private static FileConfig read(Path file) throws ConfigException {
    if (!Files.isReadable(file)) {
      throw new ConfigException("file", file + " does not exist or is not readable");
    }
    try {
      FileConfig f = YAML.readValue(file.toFile(), FileConfig.class);
      return f == null ? new FileConfig() : f;
    } catch (UnrecognizedPropertyException e) {
      throw new ConfigException(path(e), "unknown key (line "
          + e.getLocation().getLineNr() + " of " + file + ")");
    } catch (JsonMappingException e) {
      throw new ConfigException(path(e), e.getOriginalMessage().lines().findFirst().orElse("")
          + " (line " + (e.getLocation() == null ? "?" : e.getLocation().getLineNr()) + " of "
          + file + ")");
    } catch (IOException e) {
      throw new ConfigException("file", file + " is not valid YAML: "
          + e.getMessage().lines().findFirst().orElse(""));
    }
  }

  private static String path(JsonMappingException e) {
    StringBuilder b = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        b.append(b.length() == 0 ? "" : ".").append(r.getFieldName());
      } else {
        b.append('[').append(r.getIndex()).append(']');
      }
    }
    return b.length() == 0 ? "file" : b.toString();
  }

  private static List<FleetGroup> groups(List<GroupEntry> entries, String id, HostPort raft)
      throws ConfigException {
    List<FleetGroup> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int g = 0; g < entries.size(); g++) {
      GroupEntry e = entries.get(g);
      String key = "groups[" + g + "]";
      if (e == null || e.id == null || e.id.isBlank()) {
        throw new ConfigException(key + ".id", "missing");
      }
      if (!names.add(e.id)) {
        throw new ConfigException(key + ".id", "group " + e.id + " is listed twice");
      }
      if (e.members == null || e.members.isEmpty()) {
        throw new ConfigException(key + ".members", "group " + e.id + " has no members");
      }
      List<FleetPeer> peers = new ArrayList<>();
      Set<String> ids = new HashSet<>();
      for (int m = 0; m < e.members.size(); m++) {
        MemberEntry me = e.members.get(m);
        String mk = key + ".members[" + m + "]";
        if (me == null || me.id == null || me.id.isBlank()) {
          throw new ConfigException(mk + ".id", "missing");
        }
        if (!ids.add(me.id)) {
          throw new ConfigException(mk + ".id", me.id + " is listed twice in group " + e.id);
        }
        if (me.address == null || me.address.isBlank()) {
          throw new ConfigException(mk + ".address", "missing for peer " + me.id);
        }
        hostPort(mk + ".address", me.address);
        FleetPeer.Role role = choice(mk + ".role", orDefault(me.role, "voter"),
            Map.of("voter", FleetPeer.Role.VOTER, "listener", FleetPeer.Role.LISTENER));
        peers.add(new FleetPeer(me.id, me.address, role, me.priority == null ? 0 : me.priority));
      }
      FleetGroup group = new FleetGroup(e.id, peers);
      if (group.voters().isEmpty()) {
        throw new ConfigException(key + ".members", "group " + e.id + " has no voter");
      }
      if (e.join) {
        if (group.peer(id).isPresent()) {
          throw new ConfigException(key + ".join", "this agent (" + id + ") already is a member of "
              + e.id + "; list only the current members of a group it joins");
        }
        out.add(group);
        continue;
      }
      FleetPeer self = group.peer(id).orElseThrow(() -> new ConfigException(key + ".members",
          "this agent (" + id + ") is not a member of group " + e.id));
      if (!self.address().equals(raft.toString())) {
        throw new ConfigException(key + ".members",
            "this agent's address in group " + e.id + " is " + self.address()
                + " but its raft-address is " + raft);
      }
      out.add(group);
    }
    return out;
  }

  private static Path path(String key, String value) throws ConfigException {
    try {
      return Path.of(value);
    } catch (InvalidPathException e) {
      throw new ConfigException(key, "'" + value + "' is not a path: " + e.getReason());
    }
  }

  private static HostPort hostPort(String key, String value) throws ConfigException {
    int colon = value.lastIndexOf(':');
    if (colon <= 0 || colon == value.length() - 1) {
      throw new ConfigException(key, "'" + value + "' is not host:port");
    }
    try {
      int port = Integer.parseInt(value.substring(colon + 1));
      if (port < 0 || port > 65535) {
        throw new NumberFormatException();
      }
      return new HostPort(value.substring(0, colon), port);
    } catch (NumberFormatException e) {
      throw new ConfigException(key, "'" + value + "' has no valid port (0-65535)");
    }
  }

  private static <T> T choice(String key, String value, Map<String, T> options)
      throws ConfigException {
    T t = options.get(value.toLowerCase(Locale.ROOT));
    if (t == null) {
      throw new ConfigException(key, "'" + value + "' is not one of "
          + options.keySet().stream().sorted().toList());
    }
    return t;
  }

  private static String orDefault(String value, String dflt) {
    return value == null ? dflt : value;
  }
}
