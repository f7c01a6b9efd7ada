/**
 * HAProxy's runtime API (stats socket) and health log for live pools. Start with {@link AdminServer#builder()}.
 */
@NullMarked
package io.veza.routing.admin;

import org.jspecify.annotations.NullMarked;
