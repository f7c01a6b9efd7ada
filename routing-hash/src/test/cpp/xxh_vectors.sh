#!/bin/sh
# Regenerates src/test/resources/io/veza/routing/hash/xxh-vectors.txt from libxxhash and cross-checks a few
# vectors against the xxhsum CLI. Needs: apt-get install -y xxhash libxxhash-dev gcc. Run from routing-hash/.
set -eu
out=src/test/resources/io/veza/routing/hash/xxh-vectors.txt
gcc -O2 -o /tmp/xxh_vectors src/test/cpp/xxh_vectors.c -lxxhash
/tmp/xxh_vectors > "$out"
for key in "" "a" "abc" "3f2504e0-4f89-41d3-9a0c-0305e82c3301" "café"; do
  hex=$(printf '%s' "$key" | od -An -tx1 | tr -d ' \n'); [ -n "$hex" ] || hex=-
  h3=$(printf '%s' "$key" | xxhsum -H3 | awk '{print $NF}')
  h1=$(printf '%s' "$key" | xxhsum -H1 | cut -d' ' -f1)
  grep -q "^$hex $h3 [0-9a-f]* [0-9a-f]* $h1 " "$out" || { echo "xxhsum disagrees for '$key'"; exit 1; }
done
echo "wrote $(wc -l < "$out") vectors to $out; xxhsum agrees"
