package io.flotilla.consensus.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * One member's judgement, from what it alone knows, of whether its side of a group has a
 * quorum. Cheap to ask: it remembers one instant and compares.
 *
 * <p>The member remembers the last moment it knew of a leader with a quorum: for a follower or
 * listener, the last time it heard from its leader; for a leader, the time by which a majority
 * of the voters (itself included) had last answered it, or its election if that is more
 * recent. A look at a candidate, or at a follower that knows no leader, shows no contact and
 * changes nothing. The side has <em>no quorum</em> once that moment lies more than the
 * {@link #window} in the past.
 *
 * <p>The window is three times the profile's longest election timeout, the longest one
 * successful election can take after the last contact (a follower's timeout, a pre-vote round
 * and a vote round, each at most that long), plus the interval between two looks. So:
 * <ul>
 *   <li>during a normal failover the member still says quorum, and writes on the majority side
 *       wait for the new leader as they always did;
 *   <li>the member says no quorum only once at least one election round has failed since it
 *       last knew a leader: never earlier than the window after its last contact, and at most
 *       one look later than that when looks come at the interval;
 *   <li>it says quorum again at the first look that shows a leader in contact.
 * </ul>
 *
 * <p>It is no promise either way: a member that says quorum may have lost its majority a
 * moment ago (a write then waits until the judgement turns), and one that says no quorum may
 * be on a side about to elect a leader. A member that is not in the group's configuration as
 * it knows it (one waiting for the leader to add it) is on no side and always says quorum.
 */
public final class QuorumView {
  private final String memberId;
  private final Duration window;
  private long lastContactNanos;

  /**
   * @param nowNanos the moment the member started following the group: it counts as the last
   *     contact until a look shows one
   */
  public QuorumView(String memberId, Duration window, long nowNanos) {
    this.memberId = memberId;
    this.window = window;
    this.lastContactNanos = nowNanos;
  }

  /** The window for a profile when the member is looked at every {@code lookInterval}. */
  public static Duration window(TuningProfile profile, Duration lookInterval) {
    return profile.electionTimeoutMax().multipliedBy(3).plus(lookInterval);
  }

  /**
   * What one look at the member's Raft state showed.
   *
   * @param role LEADER, FOLLOWER, CANDIDATE or LISTENER
   * @param leaderId the leader the member knows, or empty
   * @param contactAgeMillis how long ago the member was last in contact with a leader with a
   *     quorum, as far as this look shows; -1 when it shows no contact
   * @param member whether the member is in the group's configuration as it knows it
   * @param voters voters in that configuration
   * @param votersHeard on a leader, the voters (itself included) that answered it recently
   *     enough that none of them can have voted for another leader yet ({@link #ofLeader});
   *     -1 on other members
   */
  public record Look(String role, String leaderId, long contactAgeMillis, boolean member,
      int voters, int votersHeard) {

    /**
     * A look at a leader.
     *
     * @param voterAgesMillis for each voter, how long ago it last answered this leader (0 for
     *     the leader itself, {@code Long.MAX_VALUE} if never)
     * @param leaderForMillis how long the member has led
     */
    public static Look ofLeader(String leaderId, List<Long> voterAgesMillis,
        long leaderForMillis, boolean member, TuningProfile profile) {
      long maxTimeout = profile.electionTimeoutMax().toMillis();
      // A follower that heard from this leader less than its election timeout ago cannot have
      // voted for another yet; the shortest timeout bounds them all, less a tenth (as Ratis's
      // own leader lease) for the time an answer takes to come back.
      long trusted = profile.electionTimeoutMin().toMillis() * 9 / 10;
      List<Long> ages = new ArrayList<>(voterAgesMillis);
      Collections.sort(ages);
      int heard = (int) ages.stream().filter(a -> a <= trusted).count();
      // A new leader has just won a majority's votes (Ratis trusts it as long, too).
      long majorityAge = leaderForMillis < maxTimeout ? 0
          : ages.isEmpty() ? -1 : ages.get(ages.size() / 2);
      return new Look("LEADER", leaderId, majorityAge == Long.MAX_VALUE ? -1 : majorityAge,
          member, ages.size(), heard);
    }
  }

  /**
   * The judgement after one look.
   *
   * @param sinceContactMillis since the member's last contact with a leader with a quorum
   */
  public record Judgement(String group, String memberId, String role, String leaderId,
      boolean quorum, long sinceContactMillis, Duration window, int voters, int votersHeard) {

    /**
     * Whether the member leads with a majority of voters answering it: its own state is then
     * as current as the group's.
     */
    public boolean leadsWithQuorum() {
      return quorum && "LEADER".equals(role) && votersHeard > voters / 2;
    }

    /** Why a write cannot go through this member, starting "no quorum", on one line. */
    public String noQuorumMessage() {
      String heard = votersHeard < 0 ? ""
          : ", voters that answered it: " + votersHeard + " of " + voters;
      return "no quorum: group " + group + " has had no leader in contact with " + memberId
          + " for " + seconds(sinceContactMillis) + " (an election takes at most "
          + seconds(window.toMillis()) + heard + ")";
    }

    static String seconds(long millis) {
      return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }
  }

  /** Records what a look at the member's replica of {@code group} showed, and judges. */
  public synchronized Judgement judge(String group, Look look, long nowNanos) {
    if (look.contactAgeMillis() >= 0) {
      // Looks may come from several threads: the most recent contact wins.
      lastContactNanos = Math.max(lastContactNanos,
          nowNanos - look.contactAgeMillis() * 1_000_000);
    }
    long since = Math.max(0, (nowNanos - lastContactNanos) / 1_000_000);
    boolean quorum = !look.member() || since <= window.toMillis();
    return new Judgement(group, memberId, look.role(), look.leaderId(), quorum, since, window,
        look.voters(), look.votersHeard());
  }
}
