package io.flotilla.agent.grpc;

import io.flotilla.consensus.client.FleetClient;
import io.flotilla.consensus.group.FleetGroup;
import io.grpc.Status;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The node's groups by name, each with its client; an empty name means the first group. */
public final class Groups {
  private final Map<String, FleetClient> clients = new LinkedHashMap<>();
  private final String first;

  public Groups(Map<String, FleetClient> clients) {
    this.clients.putAll(clients);
    this.first = clients.keySet().iterator().next();
  }

  FleetClient client(String group) {
    FleetClient c = clients.get(resolve(group));
    if (c == null) {
      throw Status.NOT_FOUND.withDescription("this node is in no group named " + group)
          .asRuntimeException();
    }
    return c;
  }

  String resolve(String group) {
    return group == null || group.isEmpty() ? first : group;
  }

  List<String> names() {
    return List.copyOf(clients.keySet());
  }

  FleetGroup group(String name) {
    return client(name).group();
  }
}
