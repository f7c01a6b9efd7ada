/**
 * Test fixtures of routing-health, shared with the modules that test against it (published as its test-jar):
 * {@link io.veza.routing.health.testing.ManualTicker} and {@link io.veza.routing.health.testing.ManualScheduler}
 * drive time by hand, {@link io.veza.routing.health.testing.AllocationMeter} proves that a call allocates nothing.
 */
package io.veza.routing.health.testing;
