/**
 * HAProxy 2.6 configuration syntax, in one place: {@link io.veza.routing.syntax.HaproxySyntax} splits a configuration
 * line into words exactly as HAProxy's {@code parse_line} does (quotes, backslash escapes, {@code "${VAR}"}
 * environment expansion from an injectable environment, {@code #} comments), and parses HAProxy's time values, sizes,
 * integers and HTTP tokens. Errors are {@link io.veza.routing.syntax.HaproxySyntaxException}s naming the field, the
 * value and, for a line, the position.
 */
@NullMarked
package io.veza.routing.syntax;

import org.jspecify.annotations.NullMarked;
