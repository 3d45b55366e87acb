package io.flotilla.agent.limits;

/** Where refused requests are counted, by the refusing limit's key (such as {@code watches}). */
public interface Rejections {
  void rejected(String limit);
}
