package io.veza.routing.bench.compare;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.IdentityHashMap;

/**
 * Measures the retained size of an object graph by walking it with reflection and summing shallow sizes
 * under the layout model of {@link Sizes} (64-bit HotSpot, compressed oops and class pointers: 12-byte object
 * headers, 16-byte array headers, 4-byte references, fields packed, 8-byte alignment). Static fields are not
 * counted; shared objects are counted once. It cross-checks the analytic {@link Router#lookupBytes()} and
 * measures structures whose layout the report does not know (our {@code JumpSelector}).
 *
 * <p>Only graphs of application classes and arrays can be walked on JDK 17+ (the JDK's own packages are
 * closed to reflection); a JDK object other than an array, a boxed primitive or a String is an error.
 */
final class RetainedSize {
  private RetainedSize() {}

  static long of(Object root) {
    IdentityHashMap<Object, Boolean> seen = new IdentityHashMap<>();
    ArrayDeque<Object> todo = new ArrayDeque<>();
    todo.push(root);
    long total = 0;
    while (!todo.isEmpty()) {
      Object o = todo.pop();
      if (seen.put(o, Boolean.TRUE) != null) {
        continue;
      }
      Class<?> c = o.getClass();
      if (c.isArray()) {
        Class<?> component = c.getComponentType();
        int length = Array.getLength(o);
        total += Sizes.array(length, component.isPrimitive() ? primitiveBytes(component) : 4);
        if (!component.isPrimitive()) {
          for (Object e : (Object[]) o) {
            if (e != null) {
              todo.push(e);
            }
          }
        }
        continue;
      }
      if (o instanceof String s) {
        total += Sizes.object(1, 2, 0) + Sizes.array(s.length(), 1); // compact Latin-1 strings
        continue;
      }
      if (o instanceof Number || o instanceof Boolean || o instanceof Character) {
        total += Sizes.object(0, 0, 1);
        continue;
      }
      if (c.getName().startsWith("java.") || c.getName().startsWith("jdk.")) {
        throw new IllegalArgumentException("cannot walk into JDK class " + c.getName());
      }
      long fields = 0;
      for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
        for (Field f : k.getDeclaredFields()) {
          if (Modifier.isStatic(f.getModifiers())) {
            continue;
          }
          Class<?> t = f.getType();
          if (t.isPrimitive()) {
            fields += primitiveBytes(t);
            continue;
          }
          fields += 4;
          f.setAccessible(true);
          try {
            Object v = f.get(o);
            if (v != null) {
              todo.push(v);
            }
          } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot read " + f, e);
          }
        }
      }
      total += Sizes.align(Sizes.OBJECT_HEADER + fields);
    }
    return total;
  }

  private static int primitiveBytes(Class<?> t) {
    if (t == long.class || t == double.class) {
      return 8;
    }
    if (t == int.class || t == float.class) {
      return 4;
    }
    if (t == short.class || t == char.class) {
      return 2;
    }
    return 1;
  }
}
