package io.flotilla.cli.dashboard;

import com.google.common.util.concurrent.ListenableFuture;
import io.flotilla.agent.api.ClusterGrpc;
import io.flotilla.agent.api.GroupCall;
import io.flotilla.agent.api.MemberListReply;
import io.flotilla.agent.api.StatusCall;
import io.flotilla.agent.api.StatusGrpc;
import io.flotilla.agent.api.StatusReply;
import io.flotilla.cli.bench.AgentChannels;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
  private static final Pattern NATIVE_ERROR = Pattern.compile(".*failed with error\\(-?\\d+\\): (.+)");
  private final AgentChannels channels;
  private final Duration deadline;
  private final Clock clock;
  private final FleetView view;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "flotilla-dashboard-poll");
    t.setDaemon(true);
    return t;
  });
  private volatile FleetSnapshot latest;

  /**
   * @param deadline each request's deadline
   * @param interval the pause between the end of one round and the start of the next
   */
  public FleetPoller(AgentChannels channels, Duration deadline, Duration interval, Clock clock) {
    this.channels = channels;
    this.deadline = deadline;
    this.clock = clock;
    this.view = new FleetView(channels.endpoints(), interval.toMillis());
    this.latest = view.observe(new Poll(clock.millis(), Map.of(), Map.of()));
    timer.scheduleWithFixedDelay(this::round, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
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
    for (int i = 0; i < endpoints.size(); i++) {
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
      return Poll.Answer.failed(describe(e.getCause()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Poll.Answer.failed("interrupted");
    }
  }

  /** The deepest cause's message: "Connection refused", not gRPC's wrapping of it. */
  private static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    if (e instanceof StatusRuntimeException s && root == e) {
      return s.getStatus().getDescription() == null ? s.getStatus().getCode().toString()
          : s.getStatus().getCode() + ": " + s.getStatus().getDescription();
    }
    if (root.getMessage() == null) {
      return root.getClass().getSimpleName();
    }
    // Netty's native transport says "finishConnect(..) failed with error(-111): Connection refused".
    Matcher m = NATIVE_ERROR.matcher(root.getMessage());
    return m.matches() ? m.group(1) : root.getMessage();
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
