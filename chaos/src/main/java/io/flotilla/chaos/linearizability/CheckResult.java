package io.flotilla.chaos.linearizability;

import java.time.Duration;
import java.util.Optional;

/**
 * The outcome of a check.
 *
 * @param verdict the answer
 * @param elapsed how long the check took
 * @param operations how many operations the history had
 * @param partitions how many groups were checked
 * @param evidence present exactly when the verdict is {@link Verdict#NOT_LINEARIZABLE}
 * @param unknownReason present exactly when the verdict is {@link Verdict#UNKNOWN}: which limit
 *     stopped the search
 */
public record CheckResult(Verdict verdict, Duration elapsed, int operations, int partitions,
    Optional<Evidence> evidence, Optional<String> unknownReason) {}
