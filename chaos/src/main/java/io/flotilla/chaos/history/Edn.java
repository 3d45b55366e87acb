package io.flotilla.chaos.history;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The small part of EDN that histories use, read and written by hand: {@code nil}, booleans,
 * integers (as {@link Long}), decimals (as {@link Double}), strings, keywords, vectors, lists and
 * sets (all as {@link List}), and maps. Tagged literals, characters and symbols are rejected; a
 * full EDN library would be a dependency for no gain here.
 */
final class Edn {
  /**
   * Deepest nesting of collections read. Histories nest a few levels; the parser recurses per
   * level, so a line of many opening brackets would otherwise overflow the stack.
   */
  static final int MAX_DEPTH = 100;

  private final String text;
  private int pos;
  private int depth;

  private Edn(String text) {
    this.text = text;
  }

  /**
   * Parses {@code text}, which must hold exactly one value.
   *
   * @throws IllegalArgumentException describing the first problem and its column
   */
  static Object parse(String text) {
    Edn edn = new Edn(text);
    Object value = edn.value();
    edn.skipBlank();
    if (edn.pos < text.length()) {
      throw edn.error("unexpected '" + text.charAt(edn.pos) + "' after the value");
    }
    return value;
  }

  /** The EDN text of {@code value}, which must be one of the types {@link #parse} returns. */
  static String write(Object value) {
    StringBuilder out = new StringBuilder();
    write(value, out);
    return out.toString();
  }

  private static void write(Object value, StringBuilder out) {
    if (value == null) {
      out.append("nil");
    } else if (value instanceof String s) {
      writeString(s, out);
    } else if (value instanceof List<?> list) {
      out.append('[');
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) {
          out.append(' ');
        }
        write(list.get(i), out);
      }
      out.append(']');
    } else if (value instanceof Map<?, ?> map) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!first) {
          out.append(", ");
        }
        first = false;
        write(e.getKey(), out);
        out.append(' ');
        write(e.getValue(), out);
      }
      out.append('}');
    } else if (value instanceof Long || value instanceof Double || value instanceof Boolean
        || value instanceof Keyword) {
      out.append(value);
    } else {
      throw new IllegalArgumentException("cannot write " + value.getClass().getSimpleName()
          + " as EDN");
    }
  }

  private static void writeString(String s, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\t' -> out.append("\\t");
        case '\r' -> out.append("\\r");
        default -> out.append(c);
      }
    }
    out.append('"');
  }

  private Object value() {
    skipBlank();
    if (pos >= text.length()) {
      throw error("expected a value but the line ended");
    }
    char c = text.charAt(pos);
    switch (c) {
      case '{':
        pos++;
        return nested(this::map);
      case '[':
        pos++;
        return nested(() -> sequence(']'));
      case '(':
        pos++;
        return nested(() -> sequence(')'));
      case '#':
        if (pos + 1 < text.length() && text.charAt(pos + 1) == '{') {
          pos += 2;
          return nested(() -> sequence('}'));
        }
        throw error("tagged literals are not supported");
      case '"':
        pos++;
        return string();
      case ':':
        pos++;
        String name = token();
        if (name.isEmpty()) {
          throw error("empty keyword");
        }
        return new Keyword(name);
      default:
        return atom();
    }
  }

  private Object nested(Supplier<Object> collection) {
    if (++depth > MAX_DEPTH) {
      throw error("nested deeper than " + MAX_DEPTH + " levels");
    }
    Object value = collection.get();
    depth--;
    return value;
  }

  private Map<Object, Object> map() {
    Map<Object, Object> map = new LinkedHashMap<>();
    while (true) {
      skipBlank();
      if (pos < text.length() && text.charAt(pos) == '}') {
        pos++;
        return Collections.unmodifiableMap(map);
      }
      Object key = value();
      skipBlank();
      if (pos < text.length() && text.charAt(pos) == '}') {
        throw error("map key " + write(key) + " has no value");
      }
      map.put(key, value());
    }
  }

  private List<Object> sequence(char close) {
    List<Object> items = new ArrayList<>();
    while (true) {
      skipBlank();
      if (pos < text.length() && text.charAt(pos) == close) {
        pos++;
        return Collections.unmodifiableList(items);
      }
      items.add(value());
    }
  }

  private String string() {
    StringBuilder out = new StringBuilder();
    while (pos < text.length()) {
      char c = text.charAt(pos++);
      if (c == '"') {
        return out.toString();
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      if (pos >= text.length()) {
        break;
      }
      char escaped = text.charAt(pos++);
      switch (escaped) {
        case 'n' -> out.append('\n');
        case 't' -> out.append('\t');
        case 'r' -> out.append('\r');
        case '"', '\\' -> out.append(escaped);
        case 'u' -> {
          if (pos + 4 > text.length()) {
            throw error("short \\u escape");
          }
          try {
            out.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
          } catch (NumberFormatException e) {
            throw error("bad \\u escape");
          }
          pos += 4;
        }
        default -> throw error("unknown escape \\" + escaped);
      }
    }
    throw error("string is not closed");
  }

  private Object atom() {
    int start = pos;
    String token = token();
    if (token.isEmpty()) {
      throw error("unexpected '" + text.charAt(pos) + "'");
    }
    switch (token) {
      case "nil":
        return null;
      case "true":
        return Boolean.TRUE;
      case "false":
        return Boolean.FALSE;
      default:
        break;
    }
    char first = token.charAt(0);
    boolean numeric = Character.isDigit(first)
        || ((first == '-' || first == '+') && token.length() > 1
            && Character.isDigit(token.charAt(1)));
    if (!numeric) {
      pos = start;
      throw error("symbols are not supported: " + token);
    }
    String digits = token.endsWith("N") || token.endsWith("M")
        ? token.substring(0, token.length() - 1) : token;
    try {
      if (digits.indexOf('.') >= 0 || digits.indexOf('e') >= 0 || digits.indexOf('E') >= 0
          || token.endsWith("M")) {
        return Double.parseDouble(digits);
      }
      return Long.parseLong(digits.startsWith("+") ? digits.substring(1) : digits);
    } catch (NumberFormatException e) {
      pos = start;
      throw error("bad number " + token);
    }
  }

  private String token() {
    int start = pos;
    while (pos < text.length() && isTokenChar(text.charAt(pos))) {
      pos++;
    }
    return text.substring(start, pos);
  }

  private static boolean isTokenChar(char c) {
    return Character.isLetterOrDigit(c) || "-_.*+!?/<>=&$%'".indexOf(c) >= 0;
  }

  private void skipBlank() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c == ',' || Character.isWhitespace(c)) {
        pos++;
      } else if (c == ';') {
        pos = text.length();
      } else {
        return;
      }
    }
  }

  private IllegalArgumentException error(String problem) {
    return new IllegalArgumentException("column " + (pos + 1) + ": " + problem);
  }
}
