package io.veza.routing.interop;

import io.veza.routing.BackendPool;
import io.veza.routing.RequestEdits;
import io.veza.routing.RequestView;
import io.veza.routing.ResponseEdits;
import io.veza.routing.ResponseView;
import io.veza.routing.RouteDecision;
import io.veza.routing.Server;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * What a gateway does with the library, request by request, as the README's recipe says: {@code route}, the request
 * phase ({@code editRequest}), forward to the chosen server, on a refused connection {@code reportConnectFailure} and
 * {@code retry}, then the response phase ({@code editResponse}) applied to the backend's response.
 */
final class LibraryGateway {
  private static final InetSocketAddress CLIENT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000);

  private final BackendPool pool;

  LibraryGateway(BackendPool pool) {
    this.pool = pool;
  }

  /** The final response as the client would receive it; status 503 without a server, as HAProxy answers. */
  Http.Response exchange(Http.Request request) throws IOException {
    RequestView view = new View(request);
    RouteDecision d = pool.route(view);
    int failures = 0;
    while (true) {
      Server server = d.server();
      if (server == null) {
        return new Http.Response(503, List.of(), new byte[0]);
      }
      RequestEdits edits = pool.editRequest(d, view);
      Http.Request forwarded = edits.replacesCookies() ? request.replacing("Cookie", edits.cookieHeaders()) : request;
      Http.Response response;
      try {
        response = Http.exchange(server.address(), forwarded, 5000);
      } catch (ConnectException e) {
        pool.reportConnectFailure(server);
        RouteDecision next = pool.retry(view, d, ++failures);
        if (next == null) {
          return new Http.Response(503, List.of(), new byte[0]);
        }
        d = next;
        continue;
      }
      pool.reportResponse(server, response.status());
      ResponseEdits out = pool.editResponse(d, new View(response));
      return apply(response, out);
    }
  }

  static Http.Response apply(Http.Response response, ResponseEdits edits) {
    if (edits.isEmpty()) {
      return response;
    }
    List<Http.Header> headers = new ArrayList<>();
    for (Http.Header h : response.headers()) {
      if (!(edits.replacesSetCookies() && h.name().equalsIgnoreCase("Set-Cookie"))) {
        headers.add(h);
      }
    }
    if (edits.replacesSetCookies()) {
      edits.setCookies().forEach(v -> headers.add(new Http.Header("Set-Cookie", v)));
    }
    if (edits.cacheControl() != null) {
      headers.add(new Http.Header("Cache-Control", edits.cacheControl()));
    }
    return new Http.Response(response.status(), headers, response.body());
  }

  /** A view over a request or a response: headers in order, names case-insensitive. */
  private static final class View implements RequestView, ResponseView {
    private final List<Http.Header> headers;
    private final String method;
    private final String target;
    private final int status;

    View(Http.Request r) {
      this.headers = r.headers();
      this.method = r.method();
      this.target = r.target();
      this.status = 0;
    }

    View(Http.Response r) {
      this.headers = r.headers();
      this.method = null;
      this.target = null;
      this.status = r.status();
    }

    @Override
    public String method() {
      return method;
    }

    @Override
    public CharSequence uri() {
      return target;
    }

    @Override
    public int status() {
      return status;
    }

    @Override
    public int headerCount(CharSequence name) {
      int n = 0;
      for (Http.Header h : headers) {
        if (h.name().equalsIgnoreCase(name.toString())) {
          n++;
        }
      }
      return n;
    }

    @Override
    public CharSequence header(CharSequence name, int index) {
      int n = 0;
      for (Http.Header h : headers) {
        if (h.name().equalsIgnoreCase(name.toString()) && n++ == index) {
          return h.value();
        }
      }
      return null;
    }

    @Override
    public InetSocketAddress clientAddress() {
      return CLIENT;
    }
  }
}
