/* Reference vectors for io.veza.routing.hash.KeyHashers, from the xxHash reference implementation
 * (libxxhash 0.8.1, Debian package libxxhash-dev; the same library xxhsum uses).
 * Regenerate with src/test/cpp/xxh_vectors.sh (CI does not need it; the output is committed).
 * Output: one line per key: "hex(key bytes) xxh3 xxh3(seed=42) xxh3(seed=0x9E3779B97F4A7C15) xxh64 xxh64(seed=42)",
 * hashes as 16 lowercase hex digits; an empty key is written as "-". */
#include <stdio.h>
#include <string.h>
#include <xxhash.h>

static void line(const unsigned char* p, size_t n) {
  if (n == 0) printf("-");
  for (size_t i = 0; i < n; i++) printf("%02x", p[i]);
  printf(" %016llx %016llx %016llx %016llx %016llx\n",
         (unsigned long long) XXH3_64bits(p, n),
         (unsigned long long) XXH3_64bits_withSeed(p, n, 42),
         (unsigned long long) XXH3_64bits_withSeed(p, n, 0x9E3779B97F4A7C15ULL),
         (unsigned long long) XXH64(p, n, 0),
         (unsigned long long) XXH64(p, n, 42));
}

int main(void) {
  static unsigned char buf[5000];
  const char* strings[] = {
      "", "a", "ab", "abc", "abcd", "track", "hello world",
      "3f2504e0-4f89-41d3-9a0c-0305e82c3301", /* a 36-char UUID track id */
      "/stream/3f2504e0-4f89-41d3-9a0c-0305e82c3301/master.m3u8",
      "caf\xc3\xa9", "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", "\xf0\x9f\x8e\xb5 track \xf0\x9f\x8e\xb6",
      "Zo\xc3\xab \xe2\x80\x94 \xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5"};
  for (size_t i = 0; i < sizeof strings / sizeof *strings; i++) line((const unsigned char*) strings[i], strlen(strings[i]));
  /* Every length 0..300 (all XXH3 size classes) and long inputs over several 1024-byte blocks. */
  for (size_t i = 0; i < sizeof buf; i++) buf[i] = (unsigned char) (i * 31 + 7 + (i >> 8));
  for (size_t n = 0; n <= 300; n++) line(buf, n);
  size_t longs[] = {1023, 1024, 1025, 2048, 2049, 4099, 5000};
  for (size_t i = 0; i < sizeof longs / sizeof *longs; i++) line(buf, longs[i]);
  return 0;
}
