/**
 * Reads HAProxy 2.6 configurations: {@link io.veza.routing.haproxy.HaproxyConfig#parse(String)} turns every
 * {@code backend} section (with its {@code defaults} and {@code default-server} lines applied as HAProxy applies them)
 * into a {@link io.veza.routing.haproxy.HaproxyBackend}, which gives a {@link io.veza.routing.BackendPool.Builder},
 * the DNS discovery of its {@code server-template}, and the HTTP check its servers use. What routing cannot honour is
 * a {@link io.veza.routing.haproxy.HaproxyConfigException} naming file, line and keyword, or, in lenient mode, an
 * {@linkplain io.veza.routing.haproxy.HaproxyConfig#ignored() ignored line}; never a silent difference.
 */
@NullMarked
package io.veza.routing.haproxy;

import org.jspecify.annotations.NullMarked;
