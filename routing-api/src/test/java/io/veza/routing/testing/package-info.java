/**
 * Temporary copies of routing-health's shared test fixtures ({@code io.veza.routing.health.testing}: ManualTicker,
 * ManualScheduler, AllocationMeter), identical but for the package, until routing-health publishes them as its
 * test-jar; then these copies go and the imports change to {@code io.veza.routing.health.testing}.
 */
package io.veza.routing.testing;
