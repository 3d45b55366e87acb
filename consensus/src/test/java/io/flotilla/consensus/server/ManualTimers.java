package io.flotilla.consensus.server;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A scheduler for {@link FleetServer.Builder#sharedTimers} that runs the servers' periodic
 * duties only when a test says so, on the test's thread, so that a test decides when a lease
 * check happens instead of waiting for one.
 */
final class ManualTimers extends AbstractExecutorService implements ScheduledExecutorService {
  private final List<Duty> duties = new CopyOnWriteArrayList<>();

  /** Runs every periodic duty once, in the order they were scheduled. */
  void runDuties() {
    for (Duty d : duties) {
      d.task.run();
    }
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(Runnable task, long initialDelay, long delay,
      TimeUnit unit) {
    Duty d = new Duty(task);
    duties.add(d);
    return d;
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(Runnable task, long initialDelay, long period,
      TimeUnit unit) {
    return scheduleWithFixedDelay(task, initialDelay, period, unit);
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
    throw new UnsupportedOperationException("only periodic duties are driven by hand");
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> task, long delay, TimeUnit unit) {
    throw new UnsupportedOperationException("only periodic duties are driven by hand");
  }

  @Override
  public void execute(Runnable task) {
    task.run();
  }

  @Override
  public void shutdown() {
    duties.clear();
  }

  @Override
  public List<Runnable> shutdownNow() {
    duties.clear();
    return List.of();
  }

  @Override
  public boolean isShutdown() {
    return false;
  }

  @Override
  public boolean isTerminated() {
    return false;
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return true;
  }

  private final class Duty implements ScheduledFuture<Object> {
    final Runnable task;
    volatile boolean cancelled;

    Duty(Runnable task) {
      this.task = task;
    }

    @Override
    public boolean cancel(boolean mayInterrupt) {
      cancelled = duties.remove(this);
      return cancelled;
    }

    @Override
    public boolean isCancelled() {
      return cancelled;
    }

    @Override
    public boolean isDone() {
      return cancelled;
    }

    @Override
    public Object get() {
      throw new UnsupportedOperationException("a periodic duty never completes");
    }

    @Override
    public Object get(long timeout, TimeUnit unit) {
      return get();
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return 0;
    }

    @Override
    public int compareTo(Delayed other) {
      return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
    }
  }
}
