/** HAProxy-conformant health tracking, slow start, admin states, passive observation and active checks. */
module io.veza.routing.health {
  requires com.google.common;
  requires java.net.http;

  exports io.veza.routing.health;
}
