package io.flotilla.agent.config;

import java.util.List;

/**
 * The layout that the project's own tools start ({@code flotilla fleet up --council}, the
 * container cluster): squads whose leaders forward the squad's keys under {@link #UP} to one
 * council, and the council's keys under {@link #DOWN} back into each squad.
 */
public final class SquadsAndCouncil {
  /** The council's group name. */
  public static final String COUNCIL = "council";
  /** The squad prefix forwarded up. */
  public static final String UP = "decisions/";
  /** The council prefix forwarded down. */
  public static final String DOWN = "fleet/";

  private SquadsAndCouncil() {}

  /** A squad's {@code forward} entry to the council of these members. */
  public static AgentFile.Forward forward(List<AgentFile.Member> council) {
    return AgentFile.Forward.between(AgentFile.Group.of(COUNCIL, council), UP, DOWN);
  }
}
