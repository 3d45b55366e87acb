package io.flotilla.agent.grpc;

import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/** Glue between futures and blocking work on one side and gRPC observers on the other. */
final class Calls {
  private Calls() {}

  /** Completes a unary call with the future's value or its mapped error. */
  static <T> void reply(CompletableFuture<T> future, StreamObserver<T> observer) {
    future.whenComplete(replier(observer));
  }

  static <T> BiConsumer<T, Throwable> replier(StreamObserver<T> observer) {
    return (value, error) -> {
      if (error != null) {
        observer.onError(Errors.toStatus(error));
      } else {
        observer.onNext(value);
        observer.onCompleted();
      }
    };
  }

  interface Work<T> {
    T run() throws Exception;
  }

  /**
   * Runs blocking work that the call's end interrupts: the client going away, or its deadline
   * passing. Without it, a caller that gave up would still hold a thread (and whatever the
   * work holds) for as long as the work would have waited.
   */
  static <T> T untilCancelled(Work<T> work) throws Exception {
    Thread worker = Thread.currentThread();
    boolean[] state = new boolean[2]; // done, interrupted; guarded by state
    Context.CancellationListener interrupt = context -> {
      synchronized (state) {
        if (!state[0]) {
          state[1] = true;
          worker.interrupt();
        }
      }
    };
    Context.current().addListener(interrupt, Runnable::run);
    try {
      return work.run();
    } finally {
      Context.current().removeListener(interrupt);
      synchronized (state) {
        state[0] = true;
        if (state[1]) {
          // The interrupt was ours; the thread goes back to gRPC's pool without it.
          Thread.interrupted();
        }
      }
    }
  }

  /** Runs blocking work on the calling gRPC thread and completes the call with its result. */
  static <T> void blocking(Work<T> work, StreamObserver<T> observer) {
    T value;
    try {
      value = work.run();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      observer.onError(Errors.toStatus(e));
      return;
    } catch (Exception e) {
      observer.onError(Errors.toStatus(e));
      return;
    }
    observer.onNext(value);
    observer.onCompleted();
  }
}
