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

/** HAProxy dynamic cookie values (XXH64 over key, address, big-endian port) against hash4j. */
class CookieXxh64Test {

  @Example
  void haproxyLayoutForAKnownServer() throws Exception {
    // key "veza" ‖ 10.0.0.1 ‖ port 8080 big-endian, hashed by hash4j's XXH64 (seed 0)
    byte[] buf = {'v', 'e', 'z', 'a', 10, 0, 0, 1, 0, 0, 0x1F, (byte) 0x90};
    String expected = String.format("%016x", Hashing.xxh64().hashBytesToLong(buf));
    assertEquals(expected, CookieXxh64.dynamicCookie("veza", InetAddress.getByName("10.0.0.1"), 8080));
    assertEquals(16, expected.length());
  }

  @Property(seed = "7501")
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
