package io.veza.routing.admin;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The columns of HAProxy 2.6's {@code show stat}, in HAProxy's order: the 2.6 standard fields ({@code stat_fields}
 * in src/stats.c), the {@code -} delimiter HAProxy prints after them, then the fields its stats modules append (SSL,
 * HTTP/2, HTTP/1), exactly as Debian's HAProxy 2.6.12 prints them (the CSV header is copied from it, and the
 * interoperability test compares it with a running HAProxy). For each field: the description ({@code desc}) and the
 * typed-output tags and type HAProxy uses for server and backend rows ({@code show stat typed}), taken from the
 * same HAProxy.
 */
final class StatFields {
  /** One column. */
  record Field(int index, String name, String serverTags, String serverType, String backendTags,
               String backendType, String description) {}

  /** Every column, the {@code -} delimiter excluded; {@link Field#index()} is HAProxy's typed-output index. */
  static final List<Field> FIELDS;
  /** Index of the first module field (HAProxy's {@code ST_F_TOTAL_FIELDS}): the {@code -} comes before it. */
  static final int STANDARD_COUNT;
  static final String CSV_HEADER;
  private static final Map<String, Integer> BY_NAME = new HashMap<>();

  static {
    List<Field> fields = new ArrayList<>();
    int standard = -1;
    try (InputStream in = StatFields.class.getResourceAsStream("stat-fields.tsv")) {
      if (in == null) {
        throw new IllegalStateException("stat-fields.tsv missing from the routing-admin jar");
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line; (line = r.readLine()) != null; ) {
        String[] p = line.split("\t", -1);
        if (p[0].equals("-")) {
          standard = fields.size();
          continue;
        }
        String[] s = p[1].isEmpty() ? new String[] {"", ""} : p[1].split(":");
        String[] b = p[2].isEmpty() ? new String[] {"", ""} : p[2].split(":");
        fields.add(new Field(fields.size(), p[0], s[0], s[1], b[0], b[1], p[3].replace("\\\"", "\"")));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    FIELDS = List.copyOf(fields);
    STANDARD_COUNT = standard;
    StringBuilder h = new StringBuilder("# ");
    for (Field f : FIELDS) {
      h.append(f.name()).append(',');
      if (f.index() + 1 == STANDARD_COUNT) {
        h.append("-,");
      }
      BY_NAME.put(f.name(), f.index());
    }
    CSV_HEADER = h.append('\n').toString();
  }

  private StatFields() {}

  /** The index of a field by name; throws for a name HAProxy 2.6 does not have (a bug here, not input). */
  static int index(String name) {
    Integer i = BY_NAME.get(name);
    if (i == null) {
      throw new IllegalArgumentException("no show stat field " + name);
    }
    return i;
  }

  /** One row being filled: values by field index, null for an empty field. */
  static final class Row {
    final boolean server;
    final String[] values = new String[FIELDS.size()];

    Row(boolean server) {
      this.server = server;
    }

    Row set(String name, Object value) {
      values[index(name)] = String.valueOf(value);
      return this;
    }

    /** HAProxy's CSV line: every field, CSV-encoded, each followed by a comma, the {@code -} after the standard ones. */
    void csv(StringBuilder out) {
      for (int i = 0; i < values.length; i++) {
        if (values[i] != null) {
          csvEncode(values[i], out);
        }
        out.append(',');
        if (i + 1 == STANDARD_COUNT) {
          out.append("-,");
        }
      }
      out.append('\n');
    }

    /**
     * HAProxy's typed lines ({@code stats_dump_fields_typed}): one per non-empty field,
     * {@code S.<iid>.<sid>.<index>.<name>.1:<tags>:<type>:<value>}, optionally followed by the description.
     */
    void typed(int iid, int sid, boolean desc, StringBuilder out) {
      for (int i = 0; i < values.length; i++) {
        String v = values[i];
        if (v == null) {
          continue;
        }
        Field f = FIELDS.get(i);
        String tags = server ? f.serverTags() : f.backendTags();
        String type = server ? f.serverType() : f.backendType();
        out.append(server ? 'S' : 'B').append('.').append(iid).append('.').append(sid).append('.').append(i)
            .append('.').append(f.name()).append(".1:").append(tags.isEmpty() ? "MGP" : tags).append(':')
            .append(type.isEmpty() ? "u32" : type).append(':').append(v);
        if (desc) {
          out.append(":\"").append(f.description()).append('"');
        }
        out.append('\n');
      }
    }
  }

  /**
   * HAProxy's {@code csv_enc_append} with automatic quoting: a value containing a comma, a double quote, CR or LF
   * is quoted, its double quotes doubled.
   */
  static void csvEncode(String v, StringBuilder out) {
    boolean quote = false;
    for (int i = 0; i < v.length() && !quote; i++) {
      char c = v.charAt(i);
      quote = c == ',' || c == '"' || c == '\r' || c == '\n';
    }
    if (!quote) {
      out.append(v);
      return;
    }
    out.append('"');
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c == '"') {
        out.append('"');
      }
      out.append(c);
    }
    out.append('"');
  }
}
