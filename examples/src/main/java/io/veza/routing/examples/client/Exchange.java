package io.veza.routing.examples.client;

/**
 * One HTTP request a simulated client sent through the gateway, and what came back.
 *
 * @param status HTTP status, or -1 when the request failed at the transport level ({@code error} says why)
 * @param servedBy the backend's {@code X-Served-By} response header, or null
 * @param setCookie the persistence cookie's {@code Set-Cookie} header the gateway added, or null
 * @param cacheControl the response's {@code Cache-Control} header, or null
 */
public record Exchange(String client, String path, int status, String servedBy, String setCookie,
    String cacheControl, long sentNanos, long receivedNanos, String error) {

  public boolean ok() {
    return status == 200;
  }
}
