package io.flotilla.agent.config;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
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

  private ConfigLoader() {}

  /**
   * @param file the YAML file, or null for none
   * @param env the process environment ({@code FLOTILLA_*} entries are read)
   * @param overrides command-line values by key (see {@link #SCALAR_KEYS})
   */
  public static AgentConfig load(Path file, Map<String, String> env, Map<String, String> overrides)
      throws ConfigException {
    AgentFile f = file == null ? AgentFile.EMPTY : read(file);
    Map<String, String> values = new LinkedHashMap<>();
    values.put("id", f.id());
    values.put("data-dir", f.dataDir());
    values.put("raft-address", f.raftAddress());
    values.put("api-address", f.apiAddress());
    values.put("metrics-address", f.metricsAddress());
    values.put("profile", f.profile());
    values.put("read-mode", f.readMode());
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

    Limits limits = limits(f.limits());
    List<FleetGroup> groups = new ArrayList<>();
    Set<String> joining = new HashSet<>();
    Map<String, Integer> targetVoters = new LinkedHashMap<>();
    Map<String, Forwarding> forwarding = new LinkedHashMap<>();
    List<AgentFile.Group> entries = f.groups() == null ? List.of() : f.groups();
    if (entries.isEmpty()) {
      groups.add(AgentConfig.soloGroup(id, raft));
    }
    Set<String> names = new HashSet<>();
    for (int g = 0; g < entries.size(); g++) {
      AgentFile.Group e = entries.get(g);
      String key = "groups[" + g + "]";
      groups.add(group(key, e, id, raft, names));
      if (Boolean.TRUE.equals(e.join())) {
        joining.add(e.id());
      }
      if (e.voters() != null) {
        if (e.voters() < 1) {
          throw new ConfigException(key + ".voters",
              "a group needs at least 1 voter, not " + e.voters());
        }
        targetVoters.put(e.id(), e.voters());
      }
      if (e.forward() != null) {
        forwarding.put(e.id(), forwarding(key + ".forward", e.forward(), e.id(), limits));
      }
    }
    TlsFiles tls = f.tls() == null ? null : tls(f.tls());
    List<AccessRule> access = f.access() == null ? null : access(f.access(), tls != null);
    PrivateKey identityKey = f.identityKey() == null ? null : identityKey(f.identityKey());
    boolean requireSignedProposals = choice("signed-proposals",
        orDefault(f.signedProposals(), "optional"), Map.of("optional", false, "required", true));
    String kind = choice("kind", orDefault(f.kind(), "mobile"),
        Map.of("mobile", "mobile", "ground", "ground"));
    return new AgentConfig(id, dataDir, raft, api, metrics, profile, readMode, groups, joining,
        limits, clientLimits(f.clientLimits()), unsafeLocalReads, tls, access, identityKey,
        requireSignedProposals, kind, f.voterEligible() == null || f.voterEligible(),
        targetVoters, forwarding);
  }

  private static Limits limits(AgentFile.Limits e) throws ConfigException {
    if (e == null) {
      return Limits.DEFAULT;
    }
    Limits d = Limits.DEFAULT;
    try {
      return new Limits(orDefault(e.maxKeyBytes(), d.maxKeyBytes()),
          orDefault(e.maxValueBytes(), d.maxValueBytes()), orDefault(e.maxTxnOps(), d.maxTxnOps()),
          orDefault(e.minLeaseTtlMs(), d.minLeaseTtlMillis()),
          orDefault(e.maxLeaseTtlMs(), d.maxLeaseTtlMillis()),
          orDefault(e.watchHistory(), d.watchHistory()));
    } catch (IllegalArgumentException ex) {
      throw new ConfigException("limits", ex.getMessage());
    }
  }

  private static Forwarding forwarding(String key, AgentFile.Forward e, String squad,
      Limits limits) throws ConfigException {
    if (e.council() == null) {
      throw new ConfigException(key + ".council", "missing (the group to forward to and from)");
    }
    FleetGroup council = remoteGroup(key + ".council", e.council());
    if (council.name().equals(squad)) {
      throw new ConfigException(key + ".council", "a group cannot forward to itself");
    }
    if (e.up() == null && e.down() == null) {
      throw new ConfigException(key, "needs up, down or both (the prefixes forwarded)");
    }
    for (String[] p : new String[][] {{"up", e.up()}, {"down", e.down()}}) {
      if (p[1] != null && (p[1].isEmpty() || p[1].startsWith("_flotilla/"))) {
        throw new ConfigException(key + "." + p[0], "'" + p[1]
            + "' must be a non-empty prefix outside _flotilla/");
      }
    }
    int batch = orDefault(e.batch(), Forwarding.DEFAULT_BATCH);
    if (batch < 1 || batch >= limits.maxTxnOps()) {
      throw new ConfigException(key + ".batch", batch + " must be 1 to "
          + (limits.maxTxnOps() - 1) + " (one transaction op stays for the cursor)");
    }
    long delayMs = orDefault(e.delayMs(), Forwarding.DEFAULT_DELAY.toMillis());
    if (delayMs < 1) {
      throw new ConfigException(key + ".delay-ms", "must be at least 1, not " + delayMs);
    }
    return new Forwarding(council, e.up(), e.down(), batch, Duration.ofMillis(delayMs));
  }

  /** A group this agent talks to without being a member: only its id and members are read. */
  private static FleetGroup remoteGroup(String key, AgentFile.Group e) throws ConfigException {
    if (e.id() == null || e.id().isBlank()) {
      throw new ConfigException(key + ".id", "missing");
    }
    if (e.members() == null || e.members().isEmpty()) {
      throw new ConfigException(key + ".members", "group " + e.id() + " has no members");
    }
    List<FleetPeer> peers = new ArrayList<>();
    for (int m = 0; m < e.members().size(); m++) {
      AgentFile.Member me = e.members().get(m);
      String mk = key + ".members[" + m + "]";
      if (me == null || me.id() == null || me.id().isBlank() || me.address() == null) {
        throw new ConfigException(mk, "needs an id and an address");
      }
      hostPort(mk + ".address", me.address());
      peers.add(FleetPeer.voter(me.id(), me.address()));
    }
    return new FleetGroup(e.id(), peers);
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

  private static TlsFiles tls(AgentFile.Tls t) throws ConfigException {
    return new TlsFiles(readable("tls.ca", t.ca()), readable("tls.cert", t.cert()),
        readable("tls.key", t.key()));
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

  private static List<AccessRule> access(List<AgentFile.Access> entries, boolean tls)
      throws ConfigException {
    if (!tls) {
      throw new ConfigException("access", "needs tls: clients are named by their certificates");
    }
    List<AccessRule> rules = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < entries.size(); i++) {
      AgentFile.Access e = entries.get(i);
      String key = "access[" + i + "]";
      if (e == null || e.client() == null || e.client().isBlank()) {
        throw new ConfigException(key + ".client", "missing");
      }
      if (!seen.add(e.client())) {
        throw new ConfigException(key + ".client", "'" + e.client() + "' is listed twice");
      }
      Role role = choice(key + ".role", e.role() == null ? "" : e.role(),
          Map.of("read", Role.READ, "write", Role.WRITE, "admin", Role.ADMIN));
      if (e.prefix() != null && role != Role.WRITE) {
        throw new ConfigException(key + ".prefix", "only a write role has a prefix");
      }
      rules.add(new AccessRule(e.client(), role, e.prefix()));
    }
    return rules;

  }

  private static ClientLimits clientLimits(AgentFile.ClientLimits e) throws ConfigException {
    if (e == null) {
      return ClientLimits.DEFAULT;
    }
    ClientLimits d = ClientLimits.DEFAULT;
    int rate = orDefault(e.requestsPerSecond(), d.requestsPerSecond());
    try {
      return new ClientLimits(rate, orDefault(e.burst(), rate),
          orDefault(e.watches(), d.watches()), orDefault(e.leases(), d.leases()));
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

  private static AgentFile read(Path file) throws ConfigException {
    if (!Files.isReadable(file)) {
      throw new ConfigException("file", file + " does not exist or is not readable");
    }
    try {
      return AgentFile.read(file);
    } catch (UnrecognizedPropertyException e) {
      int line = lineOf(file, e);
      throw new ConfigException(path(e), "unknown key (line "
          + (line < 0 ? "?" : Integer.toString(line)) + " of " + file + ")");
    } catch (JsonMappingException e) {
      throw new ConfigException(path(e), e.getOriginalMessage().lines().findFirst().orElse("")
          + " (line " + (e.getLocation() == null ? "?" : e.getLocation().getLineNr()) + " of "
          + file + ")");
    } catch (IOException e) {
      throw new ConfigException("file", file + " is not valid YAML: "
          + e.getMessage().lines().findFirst().orElse(""));
    }
  }

  private static int lineOf(Path file, JsonMappingException e) {
    JsonPointer key = JsonPointer.empty();
    for (JsonMappingException.Reference r : e.getPath()) {
      key = r.getFieldName() != null ? key.appendProperty(r.getFieldName())
          : key.appendIndex(r.getIndex());
    }
    try {
      return AgentFile.lineOf(file, key);
    } catch (IOException unreadable) {
      return -1;
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

  /** One of this agent's groups; {@code names} holds the groups' names read before it. */
  private static FleetGroup group(String key, AgentFile.Group e, String id, HostPort raft,
      Set<String> names) throws ConfigException {
    if (e == null || e.id() == null || e.id().isBlank()) {
      throw new ConfigException(key + ".id", "missing");
    }
    if (!names.add(e.id())) {
      throw new ConfigException(key + ".id", "group " + e.id() + " is listed twice");
    }
    if (e.members() == null || e.members().isEmpty()) {
      throw new ConfigException(key + ".members", "group " + e.id() + " has no members");
    }
    List<FleetPeer> peers = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (int m = 0; m < e.members().size(); m++) {
      AgentFile.Member me = e.members().get(m);
      String mk = key + ".members[" + m + "]";
      if (me == null || me.id() == null || me.id().isBlank()) {
        throw new ConfigException(mk + ".id", "missing");
      }
      if (!ids.add(me.id())) {
        throw new ConfigException(mk + ".id", me.id() + " is listed twice in group " + e.id());
      }
      if (me.address() == null || me.address().isBlank()) {
        throw new ConfigException(mk + ".address", "missing for peer " + me.id());
      }
      hostPort(mk + ".address", me.address());
      FleetPeer.Role role = choice(mk + ".role", orDefault(me.role(), "voter"),
          Map.of("voter", FleetPeer.Role.VOTER, "listener", FleetPeer.Role.LISTENER));
      peers.add(new FleetPeer(me.id(), me.address(), role, orDefault(me.priority(), 0)));
    }
    FleetGroup group = new FleetGroup(e.id(), peers);
    if (group.voters().isEmpty()) {
      throw new ConfigException(key + ".members", "group " + e.id() + " has no voter");
    }
    if (Boolean.TRUE.equals(e.join())) {
      if (group.peer(id).isPresent()) {
        throw new ConfigException(key + ".join", "this agent (" + id + ") already is a member of "
            + e.id() + "; list only the current members of a group it joins");
      }
      return group;
    }
    FleetPeer self = group.peer(id).orElseThrow(() -> new ConfigException(key + ".members",
        "this agent (" + id + ") is not a member of group " + e.id()));
    if (!self.address().equals(raft.toString())) {
      throw new ConfigException(key + ".members",
          "this agent's address in group " + e.id() + " is " + self.address()
              + " but its raft-address is " + raft);
    }
    return group;
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

  private static <T> T orDefault(T value, T dflt) {
    return value == null ? dflt : value;
  }
}
