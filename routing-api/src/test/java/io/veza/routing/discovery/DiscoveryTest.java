package io.veza.routing.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.veza.routing.Balance;
import io.veza.routing.BackendPool;
import io.veza.routing.RouteDecision;
import io.veza.routing.RequestView;
import io.veza.routing.ServerSpec;
import io.veza.routing.health.testing.ManualScheduler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Issue 9 item 8: discovery. StaticDiscovery feeds a pool; DnsDiscovery with a fake resolver assigns template numbers
 * as a pure function of the address set (any order, duplicates), keeps the last membership on a failed resolution,
 * leaves the last-placed addresses out when there are more than {@code count}, gives each server its template number
 * as persistent id, and so two gateways seeing the same addresses in different orders hash identically.
 */
class DiscoveryTest {

  /** A resolver whose answer the test sets; null answers fail. */
  static final class FakeResolver implements DnsDiscovery.Resolver {
    final AtomicReference<List<InetAddress>> answer = new AtomicReference<>();
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public List<InetAddress> resolve(String host) throws UnknownHostException {
      calls.incrementAndGet();
      List<InetAddress> a = answer.get();
      if (a == null) {
        throw new UnknownHostException(host);
      }
      return a;
    }
  }

  static InetAddress v4(int i) {
    try {
      return InetAddress.getByAddress(new byte[] {10, 2, (byte) (i >>> 8), (byte) i});
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  static InetAddress v6(int i) {
    byte[] b = new byte[16];
    b[0] = (byte) 0xfd;
    b[14] = (byte) (i >>> 8);
    b[15] = (byte) i;
    try {
      return InetAddress.getByAddress(b);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  static DnsDiscovery dns(FakeResolver resolver, ManualScheduler scheduler, int count) {
    return DnsDiscovery.builder("stream", "streams.veza.internal", 8080).count(count).resolver(resolver)
        .scheduler(scheduler).refreshInterval(Duration.ofSeconds(10)).build();
  }

  @Example
  void staticDiscoveryFeedsAPool() {
    BackendPool pool = BackendPool.builder("p").build();
    StaticDiscovery d = StaticDiscovery.of(List.of(ServerSpec.of("a", addr(1)), ServerSpec.of("b", addr(2))));
    d.start(pool::update);
    assertEquals(List.of("a", "b"), ids(pool));
    d.set(List.of(ServerSpec.of("b", addr(2)), ServerSpec.of("c", addr(3))));
    assertEquals(List.of("b", "c"), ids(pool));
    assertThrows(IllegalStateException.class, () -> d.start(pool::update));
    d.close();
    d.set(List.of());
    assertEquals(List.of("b", "c"), ids(pool), "closed: nothing delivered");
    assertEquals(List.of(), d.current());
  }

  static InetSocketAddress addr(int i) {
    return InetSocketAddress.createUnresolved("10.9.0." + i, 80);
  }

  static List<String> ids(BackendPool pool) {
    List<String> out = new ArrayList<>();
    pool.servers().forEach(s -> out.add(s.id()));
    return out;
  }

  @Provide
  Arbitrary<List<Integer>> addressSets() {
    return Arbitraries.integers().between(0, 400).list().uniqueElements().ofMinSize(1).ofMaxSize(30);
  }

  @Property(tries = 300, seed = "8801")
  void assignmentIsAPureFunctionOfTheAddressSet(@ForAll("addressSets") List<Integer> set,
                                                @ForAll @IntRange(min = 1, max = 40) int count,
                                                @ForAll long shuffle) {
    DnsDiscovery d = dns(new FakeResolver(), new ManualScheduler(), count);
    List<InetAddress> addresses = new ArrayList<>();
    for (int i : set) {
      addresses.add(i % 3 == 0 ? v6(i) : v4(i));
    }
    List<InetAddress> shuffled = new ArrayList<>(addresses);
    Collections.shuffle(shuffled, new java.util.Random(shuffle));
    shuffled.addAll(shuffled.subList(0, shuffled.size() / 2)); // duplicates
    List<ServerSpec> m = d.membership(addresses);
    assertEquals(m, d.membership(shuffled));
    assertEquals(Math.min(count, set.size()), m.size());
    Set<InetAddress> placed = new HashSet<>();
    for (ServerSpec s : m) {
      int number = Integer.parseInt(s.id().substring("stream".length()));
      assertEquals(number, s.persistentId(), "the persistent id is the template number");
      assertTrue(number >= 1 && number <= count);
      assertEquals(8080, s.address().getPort());
      placed.add(s.address().getAddress());
    }
    // the addresses left out are the last placed: without them, the others are placed exactly the same way
    List<InetAddress> kept = new ArrayList<>(placed);
    assertEquals(m, d.membership(kept));
  }

  @Example
  void aFailedResolutionKeepsTheLastMembershipAndRefreshesGoOnByThemselves() {
    FakeResolver resolver = new FakeResolver();
    ManualScheduler scheduler = new ManualScheduler();
    DnsDiscovery d = dns(resolver, scheduler, 4);
    List<List<ServerSpec>> delivered = new ArrayList<>();
    resolver.answer.set(List.of(v4(1), v4(2)));
    d.start(delivered::add);
    assertEquals(1, delivered.size());
    resolver.answer.set(null); // NXDOMAIN / timeout
    scheduler.advance(Duration.ofSeconds(10));
    assertEquals(2, resolver.calls.get(), "the scheduler refreshed");
    assertEquals(1, delivered.size(), "a failure delivers nothing");
    resolver.answer.set(List.of());
    assertFalse(d.refresh(), "an empty answer is a failure too");
    assertEquals(1, delivered.size());
    resolver.answer.set(List.of(v4(2), v4(1)));
    scheduler.advance(Duration.ofSeconds(10));
    assertEquals(1, delivered.size(), "the same set: nothing new to deliver");
    resolver.answer.set(List.of(v4(2), v4(3)));
    scheduler.advance(Duration.ofSeconds(10));
    assertEquals(2, delivered.size());
    d.close();
    resolver.answer.set(List.of(v4(7)));
    scheduler.advance(Duration.ofSeconds(60));
    assertEquals(2, delivered.size(), "closed");
  }

  /**
   * What the sink or the template options throw does not stop the refreshes. (Regression: a serverOptions callback
   * that threw, or a sink that threw an Error, escaped refresh() before the next refresh was scheduled: the discovery
   * stopped for good.)
   */
  @Example
  void aThrowingSinkOrOptionsCallbackDoesNotStopTheRefreshes() {
    FakeResolver resolver = new FakeResolver();
    ManualScheduler scheduler = new ManualScheduler();
    AtomicBoolean badOptions = new AtomicBoolean(true);
    DnsDiscovery d = DnsDiscovery.builder("s", "h", 80).count(3).resolver(resolver).scheduler(scheduler)
        .serverOptions((n, b) -> b.weight(badOptions.get() ? 999 : 1)).build();
    resolver.answer.set(List.of(v4(1)));
    List<List<ServerSpec>> delivered = new ArrayList<>();
    AtomicBoolean sinkThrows = new AtomicBoolean(false);
    d.start(m -> {
      if (sinkThrows.get()) {
        throw new AssertionError("sink");
      }
      delivered.add(m);
    });
    assertEquals(0, delivered.size(), "weight 999 is invalid: nothing delivered");
    badOptions.set(false);
    sinkThrows.set(true);
    scheduler.advance(Duration.ofSeconds(10));
    assertEquals(2, resolver.calls.get(), "refreshed after the options failure");
    sinkThrows.set(false);
    scheduler.advance(Duration.ofSeconds(10));
    assertEquals(3, resolver.calls.get(), "refreshed after the sink failure");
    assertEquals(1, delivered.size(), "delivered in full again after a failed delivery");
  }

  /** Two gateways whose DNS answers list the same addresses in different orders hash 100,000 keys identically. */
  @Example
  void twoGatewaysSeeingTheSameAddressesInDifferentOrdersAgreeOnEveryKey() {
    List<InetAddress> addresses = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      addresses.add(v4(i * 17));
    }
    List<InetAddress> reversed = new ArrayList<>(addresses);
    Collections.reverse(reversed);
    BackendPool a = BackendPool.builder("a").balance(Balance.key(RequestView::uri)).build();
    BackendPool b = BackendPool.builder("b").balance(Balance.key(RequestView::uri)).build();
    FakeResolver ra = new FakeResolver();
    FakeResolver rb = new FakeResolver();
    ra.answer.set(addresses);
    rb.answer.set(reversed);
    ManualScheduler scheduler = new ManualScheduler();
    dns(ra, scheduler, 16).start(a::update);
    dns(rb, scheduler, 16).start(b::update);
    assertEquals(12, a.size());
    Key key = new Key();
    int disagreements = 0;
    for (int k = 0; k < 100_000; k++) {
      key.uri = "track-" + k;
      RouteDecision da = a.route(key);
      RouteDecision db = b.route(key);
      if (!da.server().id().equals(db.server().id())
          || !da.server().address().equals(db.server().address())) {
        disagreements++;
      }
    }
    assertEquals(0, disagreements);
  }

  static final class Key implements RequestView {
    String uri;

    @Override
    public String method() {
      return "GET";
    }

    @Override
    public CharSequence uri() {
      return uri;
    }

    @Override
    public int headerCount(CharSequence name) {
      return 0;
    }

    @Override
    public CharSequence header(CharSequence name, int index) {
      return null;
    }

    @Override
    public InetSocketAddress clientAddress() {
      return null;
    }
  }
}
