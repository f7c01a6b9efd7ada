// Where does Guava's Hashing.consistentHash(long, int) differ from the paper's JumpConsistentHash?
// Emulates Guava 33's code exactly (Java int overflow, Java double->int saturation) next to the paper's code.
// Build: g++ -O2 -o /tmp/guava_diff_search guava_diff_search.cpp && /tmp/guava_diff_search
#include <cstdint>
#include <cstdio>
#include <cmath>
#include <cstdlib>
#include <initializer_list>

static const uint64_t A = 2862933555777941757ULL;

// Paper, verbatim.
int32_t JumpConsistentHash(uint64_t key, int32_t num_buckets) {
  int64_t b = -1, j = 0;
  while (j < num_buckets) {
    b = j;
    key = key * 2862933555777941757ULL + 1;
    j = (b + 1) * (double(1LL << 31) / double((key >> 33) + 1));
  }
  return b;
}

static int32_t java_d2i(double d) {  // JLS 5.1.3
  if (std::isnan(d)) return 0;
  if (d >= 2147483647.0) return INT32_MAX;
  if (d <= -2147483648.0) return INT32_MIN;
  return (int32_t) d;
}

// Guava: Hashing.consistentHash + LinearCongruentialGenerator.nextDouble.
int32_t guava(uint64_t state, int32_t buckets) {
  int32_t candidate = 0;
  for (;;) {
    state = A * state + 1;
    int32_t r = (int32_t) (uint32_t) ((uint32_t) (state >> 33) + 1u);  // (int) (state >>> 33) + 1, wraps
    double next_double = (double) r / 0x1.0p31;
    int32_t next = java_d2i((candidate + 1) / next_double);
    if (next >= 0 && next < buckets) candidate = next; else return candidate;
  }
}

static uint64_t inverse(uint64_t a) {  // a^-1 mod 2^64 (Newton)
  uint64_t x = a;
  for (int i = 0; i < 6; i++) x *= 2 - a * x;
  return x;
}

static uint64_t sm_state = 0x243F6A8885A308D3ULL;
static uint64_t splitmix64() {
  uint64_t z = (sm_state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

int main(int argc, char** argv) {
  const uint64_t AINV = inverse(A);
  // 1. Overflow: first generator output with the top 31 bits all ones -> Guava stops at 0, the paper goes on.
  {
    uint64_t state1 = 0xFFFFFFFE00000000ULL | 0x123456789ULL;  // (state1 >> 33) == 2^31 - 1
    uint64_t key = AINV * (state1 - 1);
    printf("overflow key=%lld (0x%016llx)\n", (long long) key, (unsigned long long) key);
    for (int32_t n : {2, 3, 10, 1000, 2147483647})
      printf("  buckets=%d paper=%d guava=%d\n", n, JumpConsistentHash(key, n), guava(key, n));
  }
  // 2. Float order: m * fl(2^31/r) (paper) vs fl(m / (r/2^31)) (Guava). For m = b+1 < 2^21 they can only
  //    truncate differently when m*2^31/r is an exact integer N = t*2^(31-k) with r = d*2^k, m = d*t, d odd:
  //    Guava gets N exactly, the paper gets fl(m*fl(1/d))*2^(31-k), which is below N when d*fl(1/d) < 1 enough.
  //    Find the smallest such m, then a key whose 2nd step sees (b+1 = m, r = d*2^k).
  int found = 0;
  for (int64_t m = 2; m < 200000 && found < 3; m++) {
    for (int64_t d = 3; d <= m; d += 2) {
      if (m % d) continue;
      int64_t t = m / d;
      double q = 1.0 / (double) d;
      if ((double) m * q >= (double) t) continue;  // paper also reaches N: no difference
      // r = d * 2^k; choose k as large as allowed so N = t * 2^(31-k) is small.
      int k = 0;
      while ((d << (k + 1)) <= (1LL << 31)) k++;
      int64_t r = d << k;
      int64_t N = t << (31 - k);
      // Step 1 must give b = m - 1: r1 in (2^31/m, 2^31/(m-1)]. Search state2's low 33 bits.
      for (uint64_t low = 1; low < (1ULL << 33); low++) {
        uint64_t state2 = ((uint64_t) (r - 1) << 33) | low;
        uint64_t state1 = AINV * (state2 - 1);
        int64_t r1 = (int64_t) (state1 >> 33) + 1;
        int64_t j1 = (int64_t) (1 * (double(1LL << 31) / double(r1)));
        if (j1 != m - 1) continue;
        uint64_t key = AINV * (state1 - 1);
        int32_t n = (int32_t) (N + 1);
        printf("float-order m=%lld d=%lld t=%lld r=%lld N=%lld key=%lld buckets=%d paper=%d guava=%d\n",
               (long long) m, (long long) d, (long long) t, (long long) r, (long long) N, (long long) key, n,
               JumpConsistentHash(key, n), guava(key, n));
        found++;
        break;
      }
      break;
    }
  }
  // 3. Random keys, buckets = 2^31 - 1 (every step runs), and a few other sizes.
  long long samples = argc > 1 ? atoll(argv[1]) : 20000000LL;
  long long diffs = 0;
  for (long long i = 0; i < samples; i++) {
    uint64_t key = splitmix64();
    int32_t n = (i & 1) ? 2147483647 : (int32_t) (1 + (splitmix64() >> 33));
    if (JumpConsistentHash(key, n) != guava(key, n)) {
      if (diffs < 5) printf("random diff key=%lld buckets=%d paper=%d guava=%d\n", (long long) key, n,
                            JumpConsistentHash(key, n), guava(key, n));
      diffs++;
    }
  }
  printf("random: %lld differing of %lld (key splitmix64 from 0x243F6A8885A308D3, buckets 2^31-1 or uniform)\n",
         diffs, samples);
  return 0;
}
