/** Jump consistent hash, key hashing and health-aware consistent selection. No dependencies. */
module io.veza.routing.hash {
}
