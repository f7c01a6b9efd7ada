package io.veza.routing.spring.sample;

import static org.assertj.core.api.Assertions.assertThat;

import io.veza.routing.BackendPool;
import io.veza.routing.spring.VezaPools;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import reactor.core.publisher.Flux;

/** The runnable sample starts as documented, with its demo backends on free ports instead of 9001..9012. */
class SampleGatewayTest {

  @Test
  void theSampleRoutesStickyApiCallsAndHashedTracks() throws Exception {
    List<String> args = new ArrayList<>(List.of("--server.port=0", "--spring.main.banner-mode=off"));
    String simple = "--spring.cloud.discovery.client.simple.instances.";
    String[][] instances = {{"backend-api", "api1"}, {"backend-api", "api2"}, {"stream", "stream1"},
        {"stream", "stream2"}};
    for (int i = 0; i < instances.length; i++) {
      String item = simple + instances[i][0] + "[" + (i % 2) + "]";
      args.add(item + ".instance-id=" + instances[i][1]);
      args.add(item + ".uri=http://127.0.0.1:" + freePort());
      if (instances[i][0].equals("stream")) {
        args.add(item + ".metadata[veza.id]=" + (i % 2 + 1));
      }
    }
    try (ConfigurableApplicationContext sample = SampleGateway.run(args.toArray(String[]::new))) {
      VezaPools pools = sample.getBean(VezaPools.class);
      BackendPool api = pools.pool("backend-api").orElseThrow();
      assertThat(api.cookie().orElseThrow().toString()).contains("SERVERID").contains("insert");
      assertThat(api.servers()).hasSize(2);
      assertThat(pools.pool("stream").orElseThrow().balance().toString()).isEqualTo("hash path,field(3,/)");
      assertThat(pools.pool("stream").orElseThrow().server("stream2").orElseThrow().persistentId()).isEqualTo(2);

      String gateway = "http://127.0.0.1:" + sample.getEnvironment().getProperty("local.server.port");
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> first = http.send(HttpRequest.newBuilder(URI.create(gateway + "/api/v1/whoami")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(first.statusCode()).isEqualTo(200);
      String served = first.headers().firstValue("X-Served-By").orElseThrow();
      assertThat(first.headers().allValues("Set-Cookie")).containsExactly("SERVERID=" + served + "; path=/");
      for (int i = 0; i < 4; i++) {
        HttpResponse<String> again = http.send(HttpRequest.newBuilder(URI.create(gateway + "/api/v1/whoami"))
            .header("Cookie", "SERVERID=" + served).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(again.headers().firstValue("X-Served-By")).contains(served);
      }
      // the WebSocket rides the cookie to the same backend, which answers each message id
      HttpHeaders cookie = new HttpHeaders();
      cookie.add("Cookie", "SERVERID=" + served);
      List<String> answers = new ArrayList<>();
      new ReactorNettyWebSocketClient().execute(URI.create(gateway.replace("http:", "ws:") + "/ws"), cookie,
          session -> session.send(Flux.just("msg m-1 hello", "msg m-2 again").map(session::textMessage))
              .thenMany(session.receive().map(WebSocketMessage::getPayloadAsText).take(2).doOnNext(answers::add))
              .then()).block(Duration.ofSeconds(10));
      assertThat(answers).containsExactly("ack m-1 server=" + served + " seq=1", "ack m-2 server=" + served + " seq=2");

      HttpResponse<String> track = http.send(HttpRequest.newBuilder(
          URI.create(gateway + "/hls/5f1c/playlist.m3u8")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(track.statusCode()).isEqualTo(200);
      assertThat(track.headers().firstValue("X-Served-By").orElseThrow()).startsWith("stream");
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
