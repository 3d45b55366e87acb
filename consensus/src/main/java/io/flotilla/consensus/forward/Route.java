package io.flotilla.consensus.forward;

/**
 * What one forwarder copies: committed changes of keys under {@code fromPrefix} in the source
 * group become the same changes of the keys re-rooted under {@code toPrefix} in the target
 * group. Its progress, the next source revision to copy, is kept in the target under
 * {@code cursorKey}, written in the same transaction as each batch.
 *
 * @param name what the route is called in logs and metrics ("up", "down")
 * @param fromPrefix the source keys copied
 * @param toPrefix where they land in the target ({@code fromPrefix} replaced by it)
 * @param cursorKey the target key holding the next source revision to copy
 */
public record Route(String name, String fromPrefix, String toPrefix, String cursorKey) {

  /** The prefix under which forwarders keep their cursors: no route may copy into it. */
  public static final String CURSORS = "_flotilla/forward/";

  public Route {
    if (toPrefix.startsWith(CURSORS) || CURSORS.startsWith(toPrefix)) {
      throw new IllegalArgumentException("a route may not write under " + CURSORS
          + ", where cursors are kept, and '" + toPrefix + "' would");
    }
    if (!cursorKey.startsWith(CURSORS)) {
      throw new IllegalArgumentException("a cursor is kept under " + CURSORS + ", not at "
          + cursorKey);
    }
  }

  /** A squad's decisions, up to the council under {@code squads/<squad>/<prefix>}. */
  public static Route up(String squad, String prefix) {
    return new Route("up", prefix, "squads/" + squad + "/" + prefix, CURSORS + "up/" + squad);
  }

  /** The council's decisions under {@code prefix}, down into a squad at the same keys. */
  public static Route down(String council, String prefix) {
    return new Route("down", prefix, prefix, CURSORS + "down/" + council);
  }

  String targetKey(String sourceKey) {
    return toPrefix + sourceKey.substring(fromPrefix.length());
  }
}
