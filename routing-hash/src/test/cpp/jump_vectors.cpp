// Reference vectors for io.veza.routing.hash.JumpHash, produced by the paper's code
// (Lamping & Veach 2014, arXiv:1406.2294, Figure 1), copied verbatim below.
// Build and regenerate (CI does not need gcc; the output is committed):
//   g++ -O2 -std=c++17 -o /tmp/jump_vectors src/test/cpp/jump_vectors.cpp
//   /tmp/jump_vectors > src/test/resources/io/veza/routing/hash/jump-vectors.txt
// Output: one line per vector, "key buckets bucket", key as a signed decimal int64 (Java's long).
#include <cstdint>
#include <cstdio>
#include <vector>

int32_t JumpConsistentHash(uint64_t key, int32_t num_buckets) {
  int64_t b = -1, j = 0;
  while (j < num_buckets) {
    b = j;
    key = key * 2862933555777941757ULL + 1;
    j = (b + 1) * (double(1LL << 31) / double((key >> 33) + 1));
  }
  return b;
}

static uint64_t sm_state = 0x6A09E667F3BCC908ULL;  // fixed seed
static uint64_t splitmix64() {
  uint64_t z = (sm_state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

int main() {
  std::vector<uint64_t> keys = {
      0ULL, 0xFFFFFFFFFFFFFFFFULL /* -1 */, 0x8000000000000000ULL /* MIN */, 0x7FFFFFFFFFFFFFFFULL /* MAX */,
      1ULL, 2ULL, 42ULL, 0xFFFFFFFFULL, 0x100000000ULL,
      // Keys where Guava's consistentHash differs (see guava_diff_search.cpp):
      2356018251959156776ULL,            // 1st generator output has its top 31 bits all ones
      1673232497983283878ULL,            // float order: step 2 has b+1 = 49, r = 49 * 2^25
      5051635782343028955ULL,            // float order: b+1 = 98, r = 49 * 2^25
      (uint64_t) -1824874953095010456LL  // float order: b+1 = 103, r = 103 * 2^24
  };
  for (int i = 0; i < 51; i++) keys.push_back(splitmix64());
  std::vector<int32_t> buckets;
  for (int32_t n = 1; n <= 64; n++) buckets.push_back(n);
  for (int k = 7; k <= 30; k++) {
    buckets.push_back((1 << k) - 1);
    buckets.push_back(1 << k);
    buckets.push_back((1 << k) + 1);
  }
  for (int32_t n : {65, 100, 127, 129, 1000, 10000, 100000, 1000000}) buckets.push_back(n);
  buckets.push_back(2147483646);
  buckets.push_back(2147483647);  // 2^31 - 1, the largest int32
  for (int i = 0; i < 16; i++) buckets.push_back((int32_t) (1 + (splitmix64() >> 33)));
  for (uint64_t key : keys)
    for (int32_t n : buckets) printf("%lld %d %d\n", (long long) key, n, JumpConsistentHash(key, n));
  // (key, buckets) pairs where Guava differs, found among 10^8 random pairs by guava_diff_search.cpp.
  struct { int64_t key; int32_t n; } found[] = {
      {5206360236281321384LL, 1964925598}, {2243853380223073953LL, 2147483647},
      {3374884009977792500LL, 2147483647}, {5757449764643482045LL, 2147483647},
      {2501710270184558780LL, 839929826}};
  for (auto& f : found) printf("%lld %d %d\n", (long long) f.key, f.n, JumpConsistentHash((uint64_t) f.key, f.n));
  return 0;
}
