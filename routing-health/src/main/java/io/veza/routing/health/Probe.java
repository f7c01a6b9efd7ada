package io.veza.routing.health;

import java.util.concurrent.CompletionStage;

/**
 * One active health check of one server, run by {@link ActiveChecker}. It completes with {@code true} for a passed
 * check and {@code false} for a failed one. Throwing, returning {@code null}, completing exceptionally or not
 * completing within the policy's {@code checkTimeout} all count as a failed check; the checker then cancels the
 * stage ({@code toCompletableFuture().cancel(true)}, if supported) so the probe can release its resources.
 * See {@link Probes} for HTTP, TCP and function probes.
 */
@FunctionalInterface
public interface Probe {
  /**
   * Starts one check of server {@code server} (the tracker's index). Must not block: do the work asynchronously.
   */
  CompletionStage<Boolean> check(int server);
}
