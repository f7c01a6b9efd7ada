/* The README's table: key -> XXH3-64 / XXH64 (reference libxxhash) -> paper's jump bucket for n = 2, 3, 10.
 * gcc -O2 -o /tmp/readme_vectors src/test/cpp/readme_vectors.c -lxxhash && /tmp/readme_vectors */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <xxhash.h>

static int32_t JumpConsistentHash(uint64_t key, int32_t num_buckets) {
  int64_t b = -1, j = 0;
  while (j < num_buckets) {
    b = j;
    key = key * 2862933555777941757ULL + 1;
    j = (b + 1) * ((double) (1LL << 31) / (double) ((key >> 33) + 1));
  }
  return b;
}

int main(void) {
  const char* keys[] = {"", "a", "track-42", "3f2504e0-4f89-41d3-9a0c-0305e82c3301", "caf\xc3\xa9"};
  printf("| key (UTF-8) | XXH3-64 | XXH3-64 seed 0x9E3779B97F4A7C15 | XXH64 | bucket n=2 | n=3 | n=10 |\n");
  printf("|---|---|---|---|---|---|---|\n");
  for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
    size_t n = strlen(keys[i]);
    uint64_t h = XXH3_64bits(keys[i], n);
    printf("| `\"%s\"` | `%016llx` | `%016llx` | `%016llx` | %d | %d | %d |\n", keys[i], (unsigned long long) h,
           (unsigned long long) XXH3_64bits_withSeed(keys[i], n, 0x9E3779B97F4A7C15ULL),
           (unsigned long long) XXH64(keys[i], n, 0), JumpConsistentHash(h, 2), JumpConsistentHash(h, 3),
           JumpConsistentHash(h, 10));
  }
  return 0;
}
