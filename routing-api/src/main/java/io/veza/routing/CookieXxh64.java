package io.veza.routing;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

/**
 * XXH64 (Yann Collet's xxHash, 64-bit variant, seed 0) over a byte array, used only at build time to derive
 * HAProxy {@code dynamic} cookie values. Kept as a tiny local helper so routing-api needs no hashing dependency
 * for a build-time computation; the tests cross-check it against hash4j's {@code Hashing.xxh64()}.
 *
 * <p>HAProxy {@code srv_set_dyncookie} ({@code src/server.c}): the buffer is the {@code dynamic-cookie-key}
 * bytes, then the server address in network order (4 bytes for IPv4, 16 for IPv6), then the port as a 4-byte
 * big-endian integer ({@code htonl(s->svc_port)}); the value is {@code XXH64(buf, len, 0)} printed as
 * {@code "%016llx"}. It is skipped for a server that has an explicit {@code cookie} ({@code SRV_F_COOKIESET}).
 */
final class CookieXxh64 {

  private static final long P1 = 0x9E3779B185EBCA87L;
  private static final long P2 = 0xC2B2AE3D27D4EB4FL;
  private static final long P3 = 0x165667B19E3779F9L;
  private static final long P4 = 0x85EBCA77C2B2AE63L;
  private static final long P5 = 0x27D4EB2F165667C5L;

  private CookieXxh64() {}

  /** HAProxy's dynamic cookie value for {@code key}, {@code address}, {@code port}: 16 lowercase hex digits. */
  static String dynamicCookie(String key, InetAddress address, int port) {
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    byte[] a = address.getAddress(); // network byte order; 4 bytes for Inet4Address, 16 for Inet6Address
    assert a.length == (address instanceof Inet4Address ? 4 : 16);
    byte[] buf = new byte[k.length + a.length + 4];
    System.arraycopy(k, 0, buf, 0, k.length);
    System.arraycopy(a, 0, buf, k.length, a.length);
    int p = k.length + a.length;
    buf[p] = (byte) (port >>> 24);
    buf[p + 1] = (byte) (port >>> 16);
    buf[p + 2] = (byte) (port >>> 8);
    buf[p + 3] = (byte) port;
    String hex = Long.toHexString(hash(buf, 0L));
    return "0000000000000000".substring(hex.length()) + hex;
  }

  /** XXH64 of {@code data} with {@code seed}. */
  static long hash(byte[] data, long seed) {
    int len = data.length;
    int i = 0;
    long h;
    if (len >= 32) {
      long v1 = seed + P1 + P2;
      long v2 = seed + P2;
      long v3 = seed;
      long v4 = seed - P1;
      int limit = len - 32;
      do {
        v1 = round(v1, le64(data, i));
        v2 = round(v2, le64(data, i + 8));
        v3 = round(v3, le64(data, i + 16));
        v4 = round(v4, le64(data, i + 24));
        i += 32;
      } while (i <= limit);
      h = Long.rotateLeft(v1, 1) + Long.rotateLeft(v2, 7) + Long.rotateLeft(v3, 12) + Long.rotateLeft(v4, 18);
      h = mergeRound(h, v1);
      h = mergeRound(h, v2);
      h = mergeRound(h, v3);
      h = mergeRound(h, v4);
    } else {
      h = seed + P5;
    }
    h += len;
    while (i + 8 <= len) {
      h ^= round(0, le64(data, i));
      h = Long.rotateLeft(h, 27) * P1 + P4;
      i += 8;
    }
    if (i + 4 <= len) {
      h ^= (le32(data, i) & 0xFFFFFFFFL) * P1;
      h = Long.rotateLeft(h, 23) * P2 + P3;
      i += 4;
    }
    while (i < len) {
      h ^= (data[i] & 0xFFL) * P5;
      h = Long.rotateLeft(h, 11) * P1;
      i++;
    }
    h ^= h >>> 33;
    h *= P2;
    h ^= h >>> 29;
    h *= P3;
    h ^= h >>> 32;
    return h;
  }

  private static long round(long acc, long input) {
    acc += input * P2;
    acc = Long.rotateLeft(acc, 31);
    return acc * P1;
  }

  private static long mergeRound(long acc, long val) {
    acc ^= round(0, val);
    return acc * P1 + P4;
  }

  private static long le64(byte[] b, int i) {
    return (b[i] & 0xFFL)
        | (b[i + 1] & 0xFFL) << 8
        | (b[i + 2] & 0xFFL) << 16
        | (b[i + 3] & 0xFFL) << 24
        | (b[i + 4] & 0xFFL) << 32
        | (b[i + 5] & 0xFFL) << 40
        | (b[i + 6] & 0xFFL) << 48
        | (b[i + 7] & 0xFFL) << 56;
  }

  private static int le32(byte[] b, int i) {
    return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8 | (b[i + 2] & 0xFF) << 16 | (b[i + 3] & 0xFF) << 24;
  }
}
