package io.flotilla.simulator;

import io.flotilla.simulator.kernel.SimTime;
import io.flotilla.simulator.report.RunSummary;
import io.flotilla.simulator.scenario.Scenario;
import io.flotilla.simulator.scenario.ScenarioLoader;
import io.flotilla.simulator.scenario.Span;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Locale;

/**
 * Measures simulator speed on a shipped scenario (default: city-drones for one simulated
 * hour). Not a test: run it with
 *
 * <pre>
 * ./mvnw -q -o -pl simulator test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.flotilla.simulator.SimulatorBenchmark -Dexec.args="city-drones 1h"
 * </pre>
 *
 * (under {@code MAVEN_OPTS=-Xmx2g} to check the heap budget).
 */
public final class SimulatorBenchmark {
  private SimulatorBenchmark() {}

  public static void main(String[] args) {
    String source = args.length > 0 ? args[0] : "city-drones";
    Scenario scenario = ScenarioLoader.load(source);
    if (args.length > 1) {
      scenario = scenario.withDuration(Span.parse(args[1]));
    }
    long built = System.nanoTime();
    Simulation sim = Simulation.create(scenario, SimulationOptions.defaults());
    double buildSeconds = (System.nanoTime() - built) / 1e9;
    long simulated = scenario.duration().micros();
    SimulationResult result = sim.run((now, events) -> {
      if ((events & 0xfffff) == 0) {
        System.err.printf(Locale.ROOT, "\r  %s / %s  %,d events", SimTime.format(now),
            SimTime.format(simulated), events);
      }
    });
    System.err.println();
    RunSummary s = result.summary();
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    System.out.printf(Locale.ROOT, "scenario          %s (%d agents, %d groups)%n",
        s.scenario(), s.fleet().agents(), s.fleet().groups());
    System.out.printf(Locale.ROOT, "simulated         %.0f s%n", s.simulatedSeconds());
    System.out.printf(Locale.ROOT, "build             %.2f s%n", buildSeconds);
    System.out.printf(Locale.ROOT, "wall              %.2f s%n", s.wallSeconds());
    System.out.printf(Locale.ROOT, "events            %,d%n", s.events());
    System.out.printf(Locale.ROOT, "events/s          %,.0f%n", s.eventsPerSecond());
    System.out.printf(Locale.ROOT, "sim/wall          %.1fx%n", s.simToWall());
    System.out.printf(Locale.ROOT,
        "peak heap         %.0f MiB used, garbage included (max %d MiB)%n",
        peak / 1048576.0, Runtime.getRuntime().maxMemory() / 1048576);
    // Keep the simulation reachable so the live set below includes everything it holds.
    System.gc();
    Runtime rt = Runtime.getRuntime();
    System.out.printf(Locale.ROOT, "live heap at end  %.0f MiB after a full GC (%d replicas)%n",
        (rt.totalMemory() - rt.freeMemory()) / 1048576.0,
        sim.groups().stream().mapToInt(g -> g.members().size()).sum());
    System.out.printf(Locale.ROOT, "committed         %,d entries, %,.1f/s%n",
        s.fleet().committed(), s.fleet().commitsPerSecond());
    System.out.printf(Locale.ROOT, "messages          %,d sent, %,d dropped%n",
        s.fleet().messagesSent(), s.fleet().messagesDropped());
    System.out.printf(Locale.ROOT, "trace             %s%n", s.traceHash());
    System.out.printf(Locale.ROOT, "invariants        %s%n",
        result.ok() ? "all held" : result.violation().getMessage());
  }
}
