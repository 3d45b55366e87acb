package io.flotilla.simulator.fleet;

import io.flotilla.simulator.kernel.Event;
import io.flotilla.simulator.kernel.TraceHash;

/**
 * A message arriving at a member. If the receiving agent crashed since the message was sent
 * (even if it has rebooted since), the message is lost.
 */
abstract class Delivery extends Event {
  final Member to;
  private final int life;

  Delivery(Member to) {
    this.to = to;
    this.life = to.agent().life();
  }

  @Override
  protected final void fire() {
    if (to.agent().isUp() && to.agent().life() == life) {
      deliver();
    } else {
      to.context().network().lostToCrash(to.group());
    }
  }

  abstract void deliver();

  abstract long payloadFingerprint();

  @Override
  protected final long fingerprint() {
    return TraceHash.mix(to.agent().id() * 4096L + to.group().index(), payloadFingerprint());
  }
}
