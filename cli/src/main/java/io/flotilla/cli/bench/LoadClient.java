package io.flotilla.cli.bench;

/**
 * Sends benchmark requests to one system. Implementations keep their connections for the whole
 * run and may be called from many threads at once; each request reports exactly once to its
 * {@link Outcome}, never on the calling thread's stack for a request that reached the network.
 */
public interface LoadClient extends AutoCloseable {

  /** Sends one request of the given kind for key number {@code key} of the run's key space. */
  void send(Operation op, int key, Outcome outcome);

  @Override
  void close();

  /** Where a request reports how it ended. */
  interface Outcome {
    void succeeded();

    void failed(Throwable error);
  }
}
