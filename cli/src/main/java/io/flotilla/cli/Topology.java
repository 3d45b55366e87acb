package io.flotilla.cli;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How {@code fleet up} lays out a fleet: all agents in one group, or squads of agents (each with
 * a target number of voters, the rest listeners) and a council of ground stations that the
 * squads forward their decisions to ({@code decisions/} up, {@code fleet/} down).
 *
 * @param agents mobile agents in all
 * @param squads how many squads they form; 0 for one group of voters named {@code fleet}
 * @param voters each squad's target number of voters
 * @param councilStations ground stations forming the council; 0 for no council
 */
record Topology(int agents, int squads, int voters, int councilStations) {
  private static final Pattern COUNCIL_SPEC = Pattern.compile("ground:(\\d{1,2})");

  /** One group of {@code agents} voters, as a plain {@code fleet up --agents N} starts. */
  static Topology single(int agents) {
    return new Topology(agents, 0, agents, 0);
  }

  /**
   * Checks a command line's topology.
   *
   * @param council "ground:N", or null for none
   * @throws CliException a usage error naming the flag
   */
  static Topology parse(int agents, int squads, int voters, String council) {
    if (agents < 1 || agents > 99) {
      throw CliException.usage("--agents must be between 1 and 99");
    }
    int stations = 0;
    if (council != null) {
      Matcher m = COUNCIL_SPEC.matcher(council);
      if (!m.matches() || Integer.parseInt(m.group(1)) < 1) {
        throw CliException.usage("--council must be ground:N (N ground stations, 1 to 99), not '"
            + council + "'");
      }
      stations = Integer.parseInt(m.group(1));
      if (squads == 0) {
        throw CliException.usage("--council needs --squads: the council serves squads");
      }
    }
    if (squads == 0) {
      return single(agents);
    }
    if (squads < 0 || squads > agents) {
      throw CliException.usage("--squads must be between 1 and --agents (" + agents + ")");
    }
    if (voters < 1) {
      throw CliException.usage("--voters must be at least 1");
    }
    return new Topology(agents, squads, voters, stations);
  }

  /** The squad (numbered from 1) of agent {@code i} (numbered from 0): contiguous blocks. */
  int squadOf(int i) {
    return (int) ((long) i * squads / agents) + 1;
  }
}
