package io.veza.routing.health;

/**
 * What HAProxy's {@code show stat} reports about one server's checks, read at one instant.
 *
 * @param checksFailed failed checks while the health counter was above 0 ({@code chkfail}), including those
 *     simulated by passive observation
 * @param downTransitions UP to DOWN transitions ({@code chkdown})
 * @param observedFailures times passive observation reached {@code error-limit} ({@code hanafail})
 * @param sinceLastChangeNanos time since the last change of operational state ({@code lastchg})
 * @param downtimeNanos total time spent DOWN since the server was added, current DOWN period included
 *     ({@code downtime})
 * @param lastCheck the last check result ({@code check_status}, {@code check_code}, {@code check_duration},
 *     {@code last_chk}); {@link CheckStatus#INITIALIZING} before the first
 * @param sinceLastCheckNanos time since the last check result, or -1 if none yet
 */
public record CheckCounters(long checksFailed, long downTransitions, long observedFailures,
                            long sinceLastChangeNanos, long downtimeNanos, CheckResult lastCheck,
                            long sinceLastCheckNanos) {}
