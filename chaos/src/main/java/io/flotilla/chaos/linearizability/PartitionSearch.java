package io.flotilla.chaos.linearizability;

import io.flotilla.chaos.history.Operation;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The Wing-Gong-Lowe search of one partition, after Lowe's "Testing for linearizability" and
 * Porcupine's checker.
 *
 * <p>Each operation contributes a call entry and a return entry, sorted by time with calls before
 * returns at equal times (touching operations count as concurrent: an order the clock cannot
 * tell). The entries form a doubly linked list. The search walks it from the front: at a call it
 * tries to linearize that operation now, and if the model allows it and the resulting
 * (linearized set, state) pair is new, it lifts the call and its return out of the list and starts
 * again from the front. Reaching a return means that operation should already have been
 * linearized, so the search backtracks to its last choice. The history is linearizable when every
 * operation is lifted, or when only operations of unknown outcome remain: they may never have
 * happened.
 *
 * <p>Two refinements change only the order and the symmetry of the search, never its outcome.
 * Operations of unknown outcome are tried after the others at each point: they can be linearized
 * at any later point too, so trying them first mostly multiplies the explored pairs. And of two
 * identical calls (same function, key and argument) that both never return, the later-invoked one
 * is only tried once the earlier one is linearized: swapping the two turns any linearization into
 * one that obeys this rule.
 *
 * <p>The linearized set is a bit set with an incrementally kept Zobrist hash, so remembering a pair
 * costs a copy of the bits and checking one costs a hash lookup.
 */
final class PartitionSearch {

  enum Status { LINEARIZABLE, NOT_LINEARIZABLE, TIME_LIMIT, MEMORY_LIMIT, CANCELLED }

  /**
   * @param longestPrefix operation indices of the deepest partial linearization, when not
   *     linearizable
   * @param blocked the operation index that could not be placed after it, or -1
   */
  record Result(Status status, int[] longestPrefix, int blocked) {}

  private static final int NIL = -1;
  private static final int CHECK_EVERY = 1024;

  private final Model<Object> model;
  private final Operation[] ops;
  private final SearchLimits limits;

  private final int head;
  private final int[] next;
  private final int[] prev;
  /** The operation an entry belongs to. */
  private final int[] opOf;
  /** For a call entry, its return entry; for a return entry, NIL. */
  private final int[] match;
  /** For a return entry, whether its operation never returns (unknown outcome). */
  private final boolean[] neverReturns;
  private final long[] zobrist;
  /**
   * For an operation that never returns, the last operation invoked before it that is the same
   * call (function, key, argument) and never returns either; otherwise -1.
   */
  private final int[] twinBefore;

  PartitionSearch(Model<Object> model, Operation[] ops, SearchLimits limits) {
    this.model = model;
    this.ops = ops;
    this.limits = limits;
    int n = ops.length;
    Integer[] order = new Integer[2 * n];
    for (int e = 0; e < 2 * n; e++) {
      order[e] = e;
    }
    // Entry e < n is the call of operation e; entry e >= n is the return of operation e - n.
    Arrays.sort(order, (a, b) -> {
      int c = Long.compare(timeOf(a), timeOf(b));
      if (c != 0) {
        return c;
      }
      c = Boolean.compare(a >= n, b >= n);
      return c != 0 ? c : Integer.compare(a, b);
    });
    head = 2 * n;
    next = new int[2 * n + 1];
    prev = new int[2 * n + 1];
    opOf = new int[2 * n];
    match = new int[2 * n];
    neverReturns = new boolean[2 * n];
    int[] returnAt = new int[n];
    for (int p = 0; p < 2 * n; p++) {
      int e = order[p];
      opOf[p] = e < n ? e : e - n;
      if (e >= n) {
        returnAt[e - n] = p;
        neverReturns[p] = ops[e - n].completeTime() == Operation.NEVER;
      }
      next[p] = p + 1 < 2 * n ? p + 1 : NIL;
      prev[p] = p == 0 ? head : p - 1;
    }
    next[head] = n == 0 ? NIL : 0;
    for (int p = 0; p < 2 * n; p++) {
      match[p] = order[p] < n ? returnAt[order[p]] : NIL;
    }
    twinBefore = new int[n];
    Arrays.fill(twinBefore, -1);
    Map<List<Object>, Integer> lastCall = new HashMap<>();
    for (int p = 0; p < 2 * n; p++) {
      if (order[p] < n && ops[order[p]].completeTime() == Operation.NEVER) {
        Operation op = ops[order[p]];
        List<Object> call = Arrays.asList(op.function(), op.key(), op.input());
        Integer twin = lastCall.put(call, order[p]);
        twinBefore[order[p]] = twin == null ? -1 : twin;
      }
    }
    zobrist = new long[n];
    SplittableRandom random = new SplittableRandom(0x5eedc0ffeeL ^ n);
    for (int i = 0; i < n; i++) {
      zobrist[i] = random.nextLong();
    }
  }

  private long timeOf(int entry) {
    int n = ops.length;
    return entry < n ? ops[entry].invokeTime() : ops[entry - n].completeTime();
  }

  Result run() {
    int n = ops.length;
    long[] linearized = new long[(n + 63) >>> 6];
    long setHash = 0;
    Memo memo = new Memo(limits, linearized.length, model::stateBytes);
    int[] stackEntry = new int[n];
    Object[] stackState = new Object[n];
    int depth = 0;
    int[] longest = new int[0];
    int blocked = -1;
    Object state = model.init();
    int entry = next[head];
    // Each scan from the front first tries operations that return, then (the deferred pass) those
    // that never do.
    boolean deferredPass = false;
    long steps = 0;
    while (entry != NIL) {
      if (steps++ % CHECK_EVERY == 0) {
        if (limits.cancelled()) {
          return new Result(Status.CANCELLED, null, -1);
        }
        if (limits.pastDeadline()) {
          return new Result(Status.TIME_LIMIT, null, -1);
        }
      }
      int op = opOf[entry];
      if (match[entry] != NIL) {
        if (neverReturns[match[entry]] != deferredPass || twinPending(op, linearized)) {
          entry = next[entry];
          continue;
        }
        Object after = model.step(state, ops[op]);
        if (after != null) {
          linearized[op >>> 6] |= 1L << op;
          long hash = mix(setHash ^ zobrist[op] ^ (after.hashCode() * 0x9E3779B97F4A7C15L));
          if (memo.add(linearized, hash, after)) {
            setHash ^= zobrist[op];
            stackEntry[depth] = entry;
            stackState[depth] = state;
            depth++;
            state = after;
            lift(entry);
            entry = next[head];
            deferredPass = false;
            continue;
          }
          linearized[op >>> 6] &= ~(1L << op);
          if (memo.full()) {
            return new Result(Status.MEMORY_LIMIT, null, -1);
          }
        }
        entry = next[entry];
      } else {
        if (neverReturns[entry]) {
          return new Result(Status.LINEARIZABLE, null, -1);
        }
        if (!deferredPass) {
          deferredPass = true;
          entry = next[head];
          continue;
        }
        if (depth > longest.length || blocked < 0) {
          longest = new int[depth];
          for (int i = 0; i < depth; i++) {
            longest[i] = opOf[stackEntry[i]];
          }
          blocked = op;
        }
        if (depth == 0) {
          return new Result(Status.NOT_LINEARIZABLE, longest, blocked);
        }
        depth--;
        entry = stackEntry[depth];
        state = stackState[depth];
        stackState[depth] = null;
        int undone = opOf[entry];
        linearized[undone >>> 6] &= ~(1L << undone);
        setHash ^= zobrist[undone];
        unlift(entry);
        deferredPass = neverReturns[match[entry]];
        entry = next[entry];
      }
    }
    return new Result(Status.LINEARIZABLE, null, -1);
  }

  private boolean twinPending(int op, long[] linearized) {
    int twin = twinBefore[op];
    return twin >= 0 && (linearized[twin >>> 6] & (1L << twin)) == 0;
  }

  /** Removes a call entry and its return from the list; their own links stay for unlift. */
  private void lift(int call) {
    next[prev[call]] = next[call];
    prev[next[call]] = prev[call];
    int ret = match[call];
    next[prev[ret]] = next[ret];
    if (next[ret] != NIL) {
      prev[next[ret]] = prev[ret];
    }
  }

  /** Puts back what {@link #lift} removed, in reverse order. */
  private void unlift(int call) {
    int ret = match[call];
    next[prev[ret]] = ret;
    if (next[ret] != NIL) {
      prev[next[ret]] = ret;
    }
    next[prev[call]] = call;
    prev[next[call]] = call;
  }

  /** MurmurHash3's 64-bit finalizer. */
  private static long mix(long h) {
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }
}
