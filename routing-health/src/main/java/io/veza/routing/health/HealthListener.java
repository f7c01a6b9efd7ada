package io.veza.routing.health;

/**
 * Told of every {@link HealthEvent}. Routing never waits for a listener: the routing-visible state is published,
 * and the tracker's synchronous {@link HealthTracker.StateHook} has run, before the event is queued.
 *
 * <p>Each listener has its own queue, drained in sequence order by one task at a time on the tracker's listener
 * executor (by default a shared pool of daemon threads named {@code veza-health-events-N}), so events reach a
 * listener one at a time, in the order the transitions happened, never concurrently, and never on the thread that
 * caused the transition. A slow or stuck listener delays only itself; when its queue holds
 * {@link HealthTracker#LISTENER_QUEUE_CAPACITY} undelivered events, newer ones are dropped for that listener only
 * and the drop is logged with a count. Anything a listener throws, an {@link Error} included, is logged and does not
 * stop delivery to it or to the others. A listener may call back into the tracker.
 */
@FunctionalInterface
public interface HealthListener {
  /**
   * Called once per transition.
   *
   * @param event the transition: which server, what changed, the state after it and the check or observation that
   *     caused it
   */
  void onEvent(HealthEvent event);
}
