package io.flotilla.agent.forward;

import io.flotilla.consensus.group.FleetGroup;
import java.time.Duration;

/**
 * A squad's link to the council, as configured under a group's {@code forward} key: the
 * squad's leader copies the squad's keys under {@code up} to the council (under
 * {@code squads/<squad>/}) and the council's keys under {@code down} into the squad.
 *
 * @param council the council group (its members as far as this agent knows them)
 * @param up the squad prefix forwarded up, or null for none
 * @param down the council prefix forwarded down, or null for none
 * @param batch at most this many changes per transaction
 * @param delay how long changes gather before a batch goes
 */
public record Forwarding(FleetGroup council, String up, String down, int batch, Duration delay) {
  /** The batch when the config gives none. */
  public static final int DEFAULT_BATCH = 64;
  /** The delay when the config gives none. */
  public static final Duration DEFAULT_DELAY = Duration.ofMillis(500);
}
