/**
 * Reads HAProxy 2.6 configurations: {@link io.veza.routing.haproxy.HaproxyConfig#parse(String)} turns every
 * {@code backend} section (with its {@code defaults} and {@code default-server} lines applied as HAProxy applies them)
 * into a {@link io.veza.routing.haproxy.HaproxyBackend}, which gives a {@link io.veza.routing.BackendPool.Builder},
 * the DNS discovery of its {@code server-template}, and the HTTP check its servers use. What routing cannot honour is
 * a {@link io.veza.routing.haproxy.HaproxyConfigException} naming file, line and keyword, or, in lenient mode, an
 * {@linkplain io.veza.routing.haproxy.HaproxyConfig#ignored() ignored line}; never a silent difference.
 *
 * <p>The importer's code for one line is public too, so that a line means the same wherever a gateway takes it:
 * {@link io.veza.routing.haproxy.HaproxyServerLine} (a {@code server} line, as the runtime API's {@code add server}
 * reads it), {@link io.veza.routing.haproxy.HaproxyBalance} (a {@code balance} line) and
 * {@link io.veza.routing.haproxy.HaproxyHealthOptions} (a {@code default-server}'s health keywords).
 */
@NullMarked
package io.veza.routing.haproxy;

import org.jspecify.annotations.NullMarked;
