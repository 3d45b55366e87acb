package io.flotilla.simulator.invariants;

/** Thrown on the simulation thread the moment an invariant is found broken; stops the run. */
public final class InvariantViolation extends RuntimeException {
  private final Invariant invariant;

  public InvariantViolation(Invariant invariant, String detail) {
    super(invariant.title() + " violated: " + detail);
    this.invariant = invariant;
  }

  public Invariant invariant() {
    return invariant;
  }
}
