package io.flotilla.cli;

import com.google.protobuf.ByteString;
import io.flotilla.consensus.proto.Compare;
import io.flotilla.consensus.proto.DeleteRequest;
import io.flotilla.consensus.proto.PutRequest;
import io.flotilla.consensus.proto.RangeRequest;
import io.flotilla.consensus.proto.RequestOp;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the small language of {@code flotilla txn}: compares and operations. */
final class TxnSyntax {
  private static final Pattern COMPARE =
      Pattern.compile("\\s*(value|version|create|mod|lease)\\((.+)\\)\\s*(=|!=|>|<)\\s*(.*)");

  private TxnSyntax() {}

  static Compare compare(String text) {
    Matcher m = COMPARE.matcher(text);
    if (!m.matches()) {
      throw CliException.usage("compare '" + text + "' is not TARGET(KEY) OP VALUE, "
          + "e.g. 'version(claim/task-7) = 0'");
    }
    Compare.Builder c = Compare.newBuilder().setKey(ByteString.copyFromUtf8(m.group(2)))
        .setResult(switch (m.group(3)) {
          case "=" -> Compare.Result.EQUAL;
          case "!=" -> Compare.Result.NOT_EQUAL;
          case ">" -> Compare.Result.GREATER;
          default -> Compare.Result.LESS;
        });
    String v = m.group(4).trim();
    switch (m.group(1)) {
      case "value" -> c.setValue(ByteString.copyFromUtf8(v));
      case "version" -> c.setVersion(number(text, v));
      case "create" -> c.setCreateRevision(number(text, v));
      case "mod" -> c.setModRevision(number(text, v));
      default -> c.setLease(number(text, v));
    }
    return c.build();
  }

  static RequestOp op(String text) {
    String[] words = text.trim().split("\\s+", 3);
    ByteString key = words.length > 1 ? ByteString.copyFromUtf8(words[1]) : ByteString.EMPTY;
    return switch (words[0]) {
      case "put" -> {
        if (words.length < 3) {
          throw CliException.usage("operation '" + text + "' needs a key and a value: put KEY VALUE");
        }
        yield RequestOp.newBuilder().setPut(PutRequest.newBuilder().setKey(key)
            .setValue(ByteString.copyFromUtf8(words[2]))).build();
      }
      case "del" -> RequestOp.newBuilder().setDelete(DeleteRequest.newBuilder().setKey(key)).build();
      case "get" -> RequestOp.newBuilder().setRange(RangeRequest.newBuilder().setKey(key)).build();
      default -> throw CliException.usage("operation '" + text + "' must start with put, del or get");
    };
  }

  private static long number(String text, String v) {
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw CliException.usage("compare '" + text + "' needs a number, not '" + v + "'");
    }
  }
}
