package io.flotilla.cli.dashboard;

import com.google.common.util.concurrent.ListenableFuture;
import io.flotilla.agent.api.ClusterGrpc;
import io.flotilla.agent.api.GroupCall;
import io.flotilla.agent.api.MemberListReply;
import io.flotilla.agent.api.StatusCall;
import io.flotilla.agent.api.StatusGrpc;
import io.flotilla.agent.api.StatusReply;
import io.flotilla.cli.grpc.AgentChannels;
import io.grpc.StatusRuntimeException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls every endpoint's status, then each group's member list, every interval, on a thread of
 * its own, and keeps the latest {@link FleetSnapshot}. It only reads: Status and MemberList are
 * the agents' read-only calls. Endpoints are asked at once, so a slow one delays a round by at
 * most the request deadline, not once per endpoint.
 */
public final class FleetPoller implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FleetPoller.class);
  private final AgentChannels channels;
  private static final Duration MIN_DEADLINE = Duration.ofSeconds(1);
  private final Duration deadline;
  private final Duration interval;
  private final Clock clock;
  private final FleetView view;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "flotilla-dashboard-poll");
    t.setDaemon(true);
    return t;
  });
  private volatile FleetSnapshot latest;

  /**
   * Starts no thread: {@link #start} does.
   *
   * @param timeout each request's deadline at most; a round asks for no longer than
   *     {@link #roundDeadline}, so one endpoint cut off (no connection reset) holds the page
   *     back by one interval, not by a whole request timeout
   * @param interval the pause between the end of one round and the start of the next
   */
  public FleetPoller(AgentChannels channels, Duration timeout, Duration interval, Clock clock) {
    this.channels = channels;
    this.deadline = roundDeadline(timeout, interval);
    this.interval = interval;
    this.clock = clock;
    this.view = new FleetView(channels.endpoints(), interval.toMillis());
    this.latest = view.observe(new Poll(clock.millis(), Map.of(), Map.of()));
  }

  /** The smaller of the timeout and the interval, but at least a second. */
  static Duration roundDeadline(Duration timeout, Duration interval) {
    Duration bound = interval.compareTo(MIN_DEADLINE) < 0 ? MIN_DEADLINE : interval;
    return timeout.compareTo(bound) < 0 ? timeout : bound;
  }

  /** Polls now, then an interval after each round ends. */
  public FleetPoller start() {
    timer.scheduleWithFixedDelay(this::round, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  /** The fleet as the last round found it (before the first round: every endpoint unheard). */
  public FleetSnapshot latest() {
    return latest;
  }

  private void round() {
    try {
      latest = view.observe(poll());
    } catch (RuntimeException e) {
      // A round that fails leaves the last snapshot; the next round tries again.
      LOG.warn("dashboard poll failed: {}", e.toString());
    }
  }

  private Poll poll() {
    Map<String, ListenableFuture<StatusReply>> calls = new LinkedHashMap<>();
    List<String> endpoints = channels.endpoints();
    FleetSnapshot before = latest;
    for (int i = 0; i < endpoints.size(); i++) {
      if (!before.endpoints().get(i).state().equals("up")) {
        // An agent that comes back is seen on the next round, not after gRPC's reconnect
        // backoff, which grows to two minutes while an agent is down.
        channels.channel(i).resetConnectBackoff();
      }
      calls.put(endpoints.get(i), StatusGrpc.newFutureStub(channels.channel(i))
          .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
          .status(StatusCall.getDefaultInstance()));
    }
    Map<String, Poll.Answer<StatusReply>> statuses = new LinkedHashMap<>();
    calls.forEach((endpoint, call) -> statuses.put(endpoint, answer(call)));

    Map<String, ListenableFuture<MemberListReply>> lists = new LinkedHashMap<>();
    FleetView.memberListSources(statuses).forEach((group, endpoint) -> lists.put(group,
        ClusterGrpc.newFutureStub(channels.channel(endpoints.indexOf(endpoint)))
            .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
            .memberList(GroupCall.newBuilder().setGroup(group).build())));
    Map<String, Poll.Answer<MemberListReply>> members = new LinkedHashMap<>();
    lists.forEach((group, call) -> members.put(group, answer(call)));
    return new Poll(clock.millis(), statuses, members);
  }

  private static <T> Poll.Answer<T> answer(ListenableFuture<T> call) {
    try {
      return Poll.Answer.of(call.get());
    } catch (ExecutionException e) {
      return Poll.Answer.failed(e.getCause() instanceof StatusRuntimeException s
          ? AgentChannels.failure(s) : e.getCause().toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Poll.Answer.failed("interrupted");
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
