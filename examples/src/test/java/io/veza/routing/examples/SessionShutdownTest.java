package io.veza.routing.examples;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.veza.routing.Server;
import io.veza.routing.examples.backend.ApiBackend;
import io.veza.routing.examples.client.BrowserClient;
import io.veza.routing.examples.client.ReliableWebSocket;
import io.veza.routing.health.AdminState;
import io.veza.routing.health.HealthEvent;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code on-marked-down shutdown-sessions} through the gateway: when the pool takes a server out, the WebSocket
 * sessions the gateway registered on it are closed by the gateway with 1001, the clients reconnect to the other
 * server with a new cookie, and no message is lost. Two ways out: MAINT (which the pool treats like DOWN), and a hung
 * host whose health checks time out while its connections stay up (the case the option exists for; a killed backend
 * drops its connections by itself, see {@link FailoverScenarioTest}).
 */
class SessionShutdownTest {

  /**
   * Takes the pinned server out while its session is open (5 messages already answered there); returns how many
   * messages it sent itself.
   */
  @FunctionalInterface
  private interface TakeOut {
    int apply(VezaPlatform platform, Server server, ReliableWebSocket ws) throws Exception;
  }

  @Test
  void sessionsOnAServerTakenOutAreClosedByThePoolAndReconnectElsewhere() throws Exception {
    sessionMovesWhenItsServerIsTakenOut("s1", (platform, server, ws) -> {
      platform.apiPool.setAdminState(server.id(), AdminState.MAINT);
      return 0;
    });
  }

  @Test
  void sessionsOnAHungServerMarkedDownByItsChecksAreClosedByThePool() throws Exception {
    sessionMovesWhenItsServerIsTakenOut("s2", (platform, server, ws) -> {
      ApiBackend hung = server.id().equals(platform.api1.id()) ? platform.api1 : platform.api2;
      int eventsBefore = platform.events.size();
      hung.hangHealthChecks(true);
      // the session still works on the hung server: nothing but the health endpoint is stuck
      String during = ws.send("during the hang");
      assertTrue(ws.awaitAllAcked(Duration.ofSeconds(5)));
      assertEquals(server.id(), ws.acks().get(during).server());
      HealthEvent down = platform.events.await(eventsBefore,
          HealthEvents.is(server.id(), HealthEvent.Kind.WENT_DOWN), Duration.ofSeconds(20));
      assertNotNull(down, "the hung server is marked DOWN by its checks");
      assertEquals(HealthEvent.Cause.CHECK_FAILURES, down.cause());
      assertTrue(hung.running(), "the server was not stopped, only its checks hang");
      return 1;
    });
  }

  private static void sessionMovesWhenItsServerIsTakenOut(String clientId, TakeOut takeOut) throws Exception {
    EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    try (VezaPlatform platform = VezaPlatform.start(FailoverScenarioTest.TIMINGS);
         BrowserClient browser = new BrowserClient(clientId, platform.gatewayUri(), http, loops,
             VezaPlatform.PERSISTENCE_COOKIE)) {
      assertEquals(200, browser.get(FailoverScenario.WHOAMI).status());
      String pinned = browser.exchanges().get(0).servedBy();
      Server server = platform.apiPool.server(pinned).orElseThrow();
      Server other = platform.apiPool.servers().stream().filter(s -> s != server).findFirst().orElseThrow();
      ReliableWebSocket ws = browser.openWebSocket("/ws", Duration.ofSeconds(5));
      for (int i = 0; i < 5; i++) {
        ws.send("before " + i);
      }
      assertTrue(ws.awaitAllAcked(Duration.ofSeconds(5)));
      assertEquals(1, platform.apiPool.sessionCount(server), "the gateway registered the session");

      int sentDuring = takeOut.apply(platform, server, ws);
      assertTrue(ws.awaitDisconnects(1, Duration.ofSeconds(5)), "the pool's shutdown closed the session");
      for (int i = 0; i < 5; i++) {
        ws.send("after " + i); // queued while reconnecting, sent after
      }
      assertTrue(ws.awaitAllAcked(Duration.ofSeconds(5)), "all messages answered after the reconnect");

      List<ReliableWebSocket.Disconnect> disconnects = ws.disconnects();
      assertAll(
          () -> assertEquals(1, disconnects.size()),
          () -> assertEquals(1001, disconnects.get(0).closeCode(), "close frame sent by the gateway"),
          () -> assertTrue(disconnects.get(0).reason().contains(server.id()), disconnects.get(0).reason()),
          () -> assertEquals(other.id(), ws.lastServer()),
          () -> assertEquals(other.cookieValue(), browser.pin(), "re-pinned by the 101's Set-Cookie"),
          () -> assertNotEquals(server.cookieValue(), browser.pin()),
          () -> assertEquals(10 + sentDuring, ws.acks().size()),
          () -> assertEquals(0, ws.pendingCount()),
          () -> assertEquals(1, platform.gateway.stats().sessionsShutDownByPool()),
          () -> assertEquals(0, platform.gateway.stats().sessionsBackendLost(), "the backend never dropped it"),
          () -> assertEquals(0, platform.apiPool.sessionCount(server)),
          () -> assertEquals(1, platform.apiPool.sessionCount(other)));
    } finally {
      loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
  }
}
