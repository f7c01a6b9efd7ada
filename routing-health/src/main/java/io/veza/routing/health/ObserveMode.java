package io.veza.routing.health;

/**
 * Passive health observation of live traffic (HAProxy server keyword {@code observe}). Classification follows
 * HAProxy's {@code analyze_statuses} table (src/check.c), columns {layer4, layer7}:
 *
 * <table>
 *   <caption>Outcome classification</caption>
 *   <tr><th>reported outcome</th><th>{@link #LAYER4}</th><th>{@link #LAYER7}</th></tr>
 *   <tr><td>connection established</td><td>success</td><td>ignored</td></tr>
 *   <tr><td>connection failed</td><td>error</td><td>error</td></tr>
 *   <tr><td>HTTP status 100–499, 501, 505</td><td>ignored</td><td>success</td></tr>
 *   <tr><td>HTTP status 500, 502–504, other 5xx, or outside 100–599</td><td>ignored</td><td>error</td></tr>
 *   <tr><td>transport error (read error / timeout / close from server)</td><td>ignored</td><td>error</td></tr>
 * </table>
 *
 * <p>A success resets the consecutive-error count; an error increments it.
 */
public enum ObserveMode {
  /** No passive observation (HAProxy default: no {@code observe} keyword). */
  NONE,
  /** {@code observe layer4}: only connection outcomes count. */
  LAYER4,
  /** {@code observe layer7}: HTTP statuses and transport errors count, plus failed connections. */
  LAYER7
}
