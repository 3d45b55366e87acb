package io.flotilla.simulator;

import io.flotilla.simulator.invariants.InvariantViolation;
import io.flotilla.simulator.report.Metrics;
import io.flotilla.simulator.report.RunSummary;
import java.util.List;

/**
 * The outcome of a run: its summary, the violation that stopped it (or null), the event
 * number at which it stopped, and the readable tail of the trace if one was kept.
 */
public record SimulationResult(RunSummary summary, InvariantViolation violation,
    long lastEvent, List<String> traceTail, Metrics metrics) {
  public boolean ok() {
    return violation == null;
  }
}
