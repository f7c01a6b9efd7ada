package io.veza.routing.health;

import java.util.concurrent.CompletionStage;

/**
 * One active health check of one server, run by {@link ActiveChecker}. It completes with the {@link CheckResult}.
 * Throwing, returning {@code null}, completing exceptionally or not completing within the policy's
 * {@code checkTimeout} all count as a failed check; the checker then cancels the stage
 * ({@code toCompletableFuture().cancel(true)}, if supported) so the probe can release its resources.
 * See {@link Probes} for HTTP, TCP and function probes.
 */
@FunctionalInterface
public interface Probe {
  /**
   * Starts one check of {@code server}. Must not block: do the work asynchronously.
   *
   * @param server the server to check; {@link TrackedServer#address()} is where to connect
   * @return the result, when known
   */
  CompletionStage<CheckResult> check(TrackedServer server);

  /**
   * The status reported when this probe does not complete within the policy's {@code checkTimeout}.
   *
   * @return {@link CheckStatus#PROBE_TIMEOUT} unless the probe knows its layer
   */
  default CheckStatus timeoutStatus() {
    return CheckStatus.PROBE_TIMEOUT;
  }
}
