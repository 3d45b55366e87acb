package io.flotilla.chaos.workload;

import io.flotilla.chaos.checkers.Validity;
import java.util.Optional;

/**
 * One checker's verdict on a run.
 *
 * @param html a self-contained page showing why, for invalid linearizability verdicts
 */
public record Check(String checker, Validity validity, String summary, Optional<String> html) {}
