package io.veza.routing;

import io.veza.routing.hash.KeyHashers;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

/**
 * HAProxy {@code dynamic} cookie values, computed once per server at build time with routing-hash's XXH64
 * ({@link KeyHashers#xxh64()}, Yann Collet's xxHash, seed 0); the tests cross-check them against hash4j.
 *
 * <p>HAProxy {@code srv_set_dyncookie} ({@code src/server.c}): the buffer is the {@code dynamic-cookie-key}
 * bytes, then the server address in network order (4 bytes for IPv4, 16 for IPv6), then the port as a 4-byte
 * big-endian integer ({@code htonl(s->svc_port)}); the value is {@code XXH64(buf, len, 0)} printed as
 * {@code "%016llx"}. It is skipped for a server that has an explicit {@code cookie} ({@code SRV_F_COOKIESET}).
 */
final class CookieXxh64 {

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
    String hex = Long.toHexString(KeyHashers.xxh64().hash(buf));
    return "0000000000000000".substring(hex.length()) + hex;
  }
}
