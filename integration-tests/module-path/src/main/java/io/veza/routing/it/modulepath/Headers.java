package io.veza.routing.it.modulepath;

import java.util.ArrayList;
import java.util.List;

/** Headers in order, names compared case-insensitively: what {@link Request} and {@link Response} hold. */
final class Headers {
  private final List<String[]> entries = new ArrayList<>();

  void add(String name, String value) {
    entries.add(new String[] {name, value});
  }

  int count(CharSequence name) {
    int n = 0;
    for (String[] h : entries) {
      if (h[0].equalsIgnoreCase(name.toString())) {
        n++;
      }
    }
    return n;
  }

  CharSequence get(CharSequence name, int index) {
    int n = 0;
    for (String[] h : entries) {
      if (h[0].equalsIgnoreCase(name.toString()) && n++ == index) {
        return h[1];
      }
    }
    return null;
  }
}
