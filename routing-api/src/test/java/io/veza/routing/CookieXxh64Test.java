package io.veza.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.dynatrace.hash4j.hashing.Hashing;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** The dynamic-cookie XXH64 helper against hash4j and the xxHash reference vectors. */
class CookieXxh64Test {

  @Example
  void referenceVectors() {
    // xxHash reference values (XXH64, seed 0)
    assertEquals(0xEF46DB3751D8E999L, CookieXxh64.hash(new byte[0], 0));
    assertEquals(0x44BC2CF5AD770999L, CookieXxh64.hash("abc".getBytes(StandardCharsets.US_ASCII), 0));
  }

  @Property(tries = 2000)
  void equalsHash4j(@ForAll @Size(max = 200) byte[] data) {
    assertEquals(Hashing.xxh64().hashBytesToLong(data), CookieXxh64.hash(data, 0));
  }

  @Property
  void dynamicCookieIsXxh64OfKeyAddressAndBigEndianPort(@ForAll @Size(min = 1, max = 40) byte[] keyBytes,
      @ForAll @Size(value = 4) byte[] v4, @ForAll @Size(value = 16) byte[] v6,
      @ForAll @IntRange(min = 0, max = 65535) int port) throws Exception {
    String key = new String(keyBytes, StandardCharsets.ISO_8859_1).replaceAll("[^ -~]", "k");
    for (byte[] addr : new byte[][] {v4, v6}) {
      InetAddress a = InetAddress.getByAddress(addr);
      byte[] k = key.getBytes(StandardCharsets.UTF_8);
      byte[] buf = ByteBuffer.allocate(k.length + addr.length + 4).put(k).put(a.getAddress()).putInt(port).array();
      String expected = String.format("%016x", Hashing.xxh64().hashBytesToLong(buf));
      assertEquals(expected, CookieXxh64.dynamicCookie(key, a, port));
    }
  }
}
