package io.flotilla.cli.dashboard;

import io.flotilla.agent.api.MemberListReply;
import io.flotilla.agent.api.StatusReply;
import java.util.Map;

/**
 * What one round of polling heard.
 *
 * @param atMillis when the round ended, epoch milliseconds
 * @param statuses each polled endpoint's status, or why it gave none
 * @param members each group's member list, or why it could not be read; groups no up endpoint
 *     is in are absent
 */
public record Poll(long atMillis, Map<String, Answer<StatusReply>> statuses,
    Map<String, Answer<MemberListReply>> members) {

  /** A reply, or the error that came instead. */
  public record Answer<T>(T reply, String error) {
    public static <T> Answer<T> of(T reply) {
      return new Answer<>(reply, null);
    }

    public static <T> Answer<T> failed(String error) {
      return new Answer<>(null, error);
    }

    public boolean ok() {
      return reply != null;
    }
  }
}
