package io.flotilla.chaos.linearizability;

import io.flotilla.chaos.history.Operation;
import io.flotilla.chaos.history.Outcome;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Renders a check as one self-contained HTML page (inline CSS, SVG and script; nothing fetched),
 * in the spirit of Porcupine's visualization. Each process has a lane; each operation is a bar
 * from invocation to completion, on a time axis that keeps the order of events but not their
 * spacing. For a history that is not linearizable the page shows the failed partition: the
 * longest linearizable prefix numbered in order, with the state after each step, and the operation
 * that could not be placed in red.
 */
public final class HtmlReport {

  /** Histories larger than this are drawn in part; the verdict covers them whole. */
  static final int MAX_DRAWN = 5000;

  private static final int LEFT = 110;
  private static final int TOP = 30;
  private static final int LANE = 30;

  private HtmlReport() {}

  /**
   * The page for {@code result}, the check of {@code operations} against {@code model}.
   *
   * @param title names the history, e.g. its file name
   */
  @SuppressWarnings("unchecked")
  public static String render(String title, List<Operation> operations, CheckResult result,
      Model<?> model) {
    return new Page((Model<Object>) model).render(title, operations, result);
  }

  private static final class Page {
    private final Model<Object> model;
    private final StringBuilder html = new StringBuilder(64 * 1024);

    Page(Model<Object> model) {
      this.model = model;
    }

    String render(String title, List<Operation> operations, CheckResult result) {
      Evidence evidence = result.evidence().orElse(null);
      List<Operation> drawn = evidence != null ? evidence.partition() : operations;
      boolean truncated = drawn.size() > MAX_DRAWN;
      if (truncated) {
        drawn = drawn.subList(0, MAX_DRAWN);
      }
      Map<Operation, Integer> order = new HashMap<>();
      if (evidence != null) {
        for (int i = 0; i < evidence.longestPrefix().size(); i++) {
          order.put(evidence.longestPrefix().get(i), i + 1);
        }
      }
      html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>")
          .append(escape(title)).append(" — ").append(verdictText(result)).append("</title>\n")
          .append(STYLE).append("</head><body>\n<h1>").append(escape(title)).append("</h1>\n");
      summary(result, truncated);
      if (evidence != null) {
        explanation(evidence);
      }
      svg(drawn, order, evidence == null ? null : evidence.blocked());
      if (evidence != null) {
        prefixTable(evidence);
      }
      html.append(LEGEND).append(SCRIPT).append("</body></html>\n");
      return html.toString();
    }

    private void summary(CheckResult result, boolean truncated) {
      html.append("<p class=\"verdict ").append(result.verdict().name().toLowerCase())
          .append("\">").append(verdictText(result)).append("</p>\n<p>")
          .append(result.operations()).append(" operations in ").append(result.partitions())
          .append(result.partitions() == 1 ? " partition" : " partitions")
          .append(", checked in ").append(result.elapsed().toMillis()).append(" ms");
      result.unknownReason().ifPresent(r -> html.append("; stopped: ").append(escape(r)));
      html.append(".</p>\n");
      if (truncated) {
        html.append("<p>Only the first ").append(MAX_DRAWN).append(" operations are drawn.</p>\n");
      }
    }

    private void explanation(Evidence evidence) {
      Operation blocked = evidence.blocked();
      html.append("<p>In the partition drawn below, the longest linearizable prefix has ")
          .append(evidence.longestPrefix().size()).append(" of ")
          .append(evidence.partition().size()).append(" operations (numbered in order). Then ")
          .append("<span class=\"blocked-text\">process ").append(blocked.process()).append(": ")
          .append(escape(model.describe(blocked))).append("</span> had to be linearized, since ")
          .append("it completed before every other operation outside the prefix; but it cannot ")
          .append("take effect after the prefix, whatever the open operations do first.</p>\n");
    }

    private void svg(List<Operation> drawn, Map<Operation, Integer> order, Operation blocked) {
      TreeSet<Long> times = new TreeSet<>();
      TreeSet<Integer> processes = new TreeSet<>();
      for (Operation op : drawn) {
        times.add(op.invokeTime());
        if (op.completeTime() != Operation.NEVER) {
          times.add(op.completeTime());
        }
        processes.add(op.process());
      }
      long[] axis = times.stream().mapToLong(Long::longValue).toArray();
      double step = Math.max(4, Math.min(40, 1800.0 / Math.max(1, axis.length)));
      double end = LEFT + step * axis.length + 40;
      List<Integer> lanes = new ArrayList<>(processes);
      int height = TOP + LANE * lanes.size() + 20;
      html.append("<svg width=\"").append((int) end + 20).append("\" height=\"").append(height)
          .append("\" xmlns=\"http://www.w3.org/2000/svg\">\n")
          .append("<defs><pattern id=\"hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\"")
          .append(" patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#fff7d6\"/>")
          .append("<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#d9b44a\" stroke-width=\"2\"/>")
          .append("</pattern></defs>\n");
      for (int lane = 0; lane < lanes.size(); lane++) {
        int y = TOP + lane * LANE;
        html.append("<text class=\"lane\" x=\"8\" y=\"").append(y + 19).append("\">process ")
            .append(lanes.get(lane)).append("</text><line class=\"lane\" x1=\"").append(LEFT)
            .append("\" x2=\"").append((int) end).append("\" y1=\"").append(y + LANE - 2)
            .append("\" y2=\"").append(y + LANE - 2).append("\"/>\n");
      }
      for (Operation op : drawn) {
        double x1 = LEFT + step * Arrays.binarySearch(axis, op.invokeTime()) + 2;
        double x2 = op.completeTime() == Operation.NEVER
            ? end : LEFT + step * Arrays.binarySearch(axis, op.completeTime()) + step - 2;
        int y = TOP + lanes.indexOf(op.process()) * LANE + 4;
        Integer position = order.get(op);
        String kind = op.equals(blocked) ? "blocked" : position != null ? "linearized"
            : op.outcome() == Outcome.FAIL ? "failed" : op.isUnknown() ? "unknown" : "open";
        String label = model.describe(op);
        html.append("<g class=\"op ").append(kind).append("\" data-op=\"").append(op.id())
            .append("\"><title>").append(escape(tooltip(op, label, position))).append("</title>")
            .append("<rect x=\"").append(fmt(x1)).append("\" y=\"").append(y)
            .append("\" width=\"").append(fmt(Math.max(3, x2 - x1))).append("\" height=\"")
            .append(LANE - 10).append("\" rx=\"3\"/>");
        boolean fits = label.length() * 6.2 < x2 - x1 - 6;
        if (fits || op.equals(blocked)) {
          // The blocked operation is named even when its bar is too short: it is the point.
          html.append("<text x=\"").append(fmt(fits ? x1 + 4 : x2 + 4)).append("\" y=\"")
              .append(y + 14).append("\">").append(escape(label)).append("</text>");
        }
        if (position != null) {
          html.append("<circle cx=\"").append(fmt(x1)).append("\" cy=\"").append(y)
              .append("\" r=\"8\"/><text class=\"badge\" x=\"").append(fmt(x1)).append("\" y=\"")
              .append(y + 3).append("\">").append(position).append("</text>");
        }
        html.append("</g>\n");
      }
      html.append("</svg>\n");
    }

    private void prefixTable(Evidence evidence) {
      html.append("<h2>Longest linearizable prefix</h2>\n<table><tr><th>#</th><th>process</th>")
          .append("<th>operation</th><th>state after</th></tr>\n<tr><td></td><td></td>")
          .append("<td><i>initial state</i></td><td>")
          .append(escape(model.describeState(model.init()))).append("</td></tr>\n");
      Object state = model.init();
      int position = 0;
      for (Operation op : evidence.longestPrefix()) {
        state = state == null ? null : model.step(state, op);
        html.append("<tr class=\"row\" data-op=\"").append(op.id()).append("\"><td>")
            .append(++position).append("</td><td>").append(op.process()).append("</td><td>")
            .append(escape(model.describe(op))).append("</td><td>")
            .append(state == null ? "?" : escape(model.describeState(state)))
            .append("</td></tr>\n");
      }
      Operation blocked = evidence.blocked();
      html.append("<tr class=\"row blocked-row\" data-op=\"").append(blocked.id())
          .append("\"><td>✗</td><td>").append(blocked.process()).append("</td><td>")
          .append(escape(model.describe(blocked))).append("</td><td>cannot be placed</td></tr>\n")
          .append("</table>\n");
    }

    private String tooltip(Operation op, String label, Integer position) {
      return "process " + op.process() + ": " + label + "\n" + op.outcome().name().toLowerCase()
          + ", invoked at " + op.invokeTime() + ", "
          + (op.completeTime() == Operation.NEVER ? "never completed" : "completed at "
              + op.completeTime())
          + (position == null ? "" : "\nlinearized #" + position);
    }
  }

  private static String verdictText(CheckResult result) {
    return switch (result.verdict()) {
      case LINEARIZABLE -> "Linearizable";
      case NOT_LINEARIZABLE -> "Not linearizable";
      case UNKNOWN -> "Unknown";
    };
  }

  private static String fmt(double value) {
    return String.valueOf(Math.round(value * 10) / 10.0);
  }

  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  private static final String STYLE = """
      <style>
      body { font: 14px system-ui, sans-serif; margin: 24px; color: #222; }
      h1 { font-size: 20px; margin: 0 0 8px; } h2 { font-size: 16px; margin-top: 24px; }
      .verdict { font-weight: bold; font-size: 16px; }
      .verdict.linearizable { color: #1a7f37; } .verdict.not_linearizable { color: #c62828; }
      .verdict.unknown { color: #9a6700; }
      .blocked-text { color: #c62828; font-weight: bold; }
      svg { display: block; margin: 12px 0; border: 1px solid #ddd; background: #fcfcfc; }
      text { font: 11px ui-monospace, monospace; }
      text.lane { fill: #555; } line.lane { stroke: #eee; }
      .op rect { stroke: #888; fill: #e8eef7; } .op text { fill: #222; pointer-events: none; }
      .op.linearized rect { fill: #c9ecd1; stroke: #1a7f37; }
      .op.blocked rect { fill: #ffcdd2; stroke: #c62828; stroke-width: 2; }
      .op.blocked text { fill: #c62828; font-weight: bold; }
      .op.failed rect { fill: #eee; stroke: #bbb; stroke-dasharray: 3 2; }
      .op.failed text { fill: #999; }
      .op.unknown rect { fill: url(#hatch); stroke: #d9b44a; }
      .op circle { fill: #1a7f37; } .op text.badge { fill: #fff; text-anchor: middle; font-size: 9px; }
      .op.hl rect, tr.hl { outline: 3px solid #0969da; }
      table { border-collapse: collapse; } td, th { border: 1px solid #ddd; padding: 3px 8px; }
      th { background: #f3f3f3; text-align: left; } td { font-family: ui-monospace, monospace; }
      tr.blocked-row td { color: #c62828; font-weight: bold; }
      .legend span { display: inline-block; margin-right: 14px; }
      .legend i { display: inline-block; width: 22px; height: 12px; border: 1px solid #888;
        vertical-align: middle; margin-right: 4px; }
      </style>
      """;

  private static final String LEGEND = """
      <p class="legend"><span><i style="background:#c9ecd1;border-color:#1a7f37"></i>linearized
      (numbered in order)</span><span><i style="background:#ffcdd2;border-color:#c62828"></i>could
      not be placed</span><span><i style="background:#e8eef7"></i>not linearized</span>
      <span><i style="background:#fff7d6;border-color:#d9b44a"></i>unknown outcome (may take
      effect any time after invocation)</span><span><i style="background:#eee;border-style:dashed">
      </i>failed (did not happen)</span></p>
      <p>Time runs left to right in event order; spacing is not to scale. Hover for details.</p>
      """;

  private static final String SCRIPT = """
      <script>
      for (const el of document.querySelectorAll('[data-op]')) {
        const peers = document.querySelectorAll('[data-op="' + el.dataset.op + '"]');
        el.addEventListener('mouseenter', () => peers.forEach(p => p.classList.add('hl')));
        el.addEventListener('mouseleave', () => peers.forEach(p => p.classList.remove('hl')));
      }
      </script>
      """;
}
