package io.veza.routing.health;

/**
 * Told of every {@link HealthEvent}. Events are delivered one at a time (never concurrently), in the order the
 * transitions happened (tracker-wide {@link HealthEvent#sequence()} order), outside the tracker's server locks, by
 * the thread that caused the transition or by another thread that is delivering at the same moment. A listener may
 * call back into the tracker. A listener that throws is logged and does not stop delivery to the others.
 */
@FunctionalInterface
public interface HealthListener {
  /** Called once per transition. */
  void onEvent(HealthEvent event);
}
