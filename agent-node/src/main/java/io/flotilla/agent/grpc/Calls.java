package io.flotilla.agent.grpc;

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
