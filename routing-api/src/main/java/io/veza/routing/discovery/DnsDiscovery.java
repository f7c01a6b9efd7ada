package io.veza.routing.discovery;

import io.veza.routing.ServerSpec;
import io.veza.routing.hash.JumpHash;
import io.veza.routing.hash.KeyHashers;
import io.veza.routing.health.Scheduler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Membership from DNS with HAProxy's {@code server-template <prefix> <count> <fqdn>:<port>} semantics: up to
 * {@code count} servers named {@code <prefix>1} .. {@code <prefix><count>}, one per resolved address (A and AAAA,
 * through the JDK resolver unless another {@link Resolver} is given), refreshed every interval.
 *
 * <p><b>Which address gets which server.</b> HAProxy fills its template slots in the order the DNS answer lists the
 * addresses, so two HAProxy instances that receive the answer in different orders name (and hash) the same address
 * differently (haproxy/haproxy issue 814). Here the assignment depends only on the set of addresses: each address has
 * a fixed preference order over the template numbers (the jump consistent hash of its bytes, then further jump
 * candidates); addresses are placed in the order of their hash and each takes its first free preference. Every
 * discovery that sees the same addresses names them the same way, and each server carries its template number as its
 * persistent id, so a hashed pool maps keys identically everywhere. An address that stays keeps its number unless a
 * newly placed address with a higher priority takes it (probability about the template's load); an address that
 * leaves frees only its number. With more addresses than {@code count}, the ones placed last are left out (and
 * logged), as HAProxy leaves them out.
 *
 * <p><b>Failures.</b> A resolution that fails (unknown host, timeout, empty answer) delivers nothing: the pool keeps
 * the last good membership.
 *
 * <p>Thread-safe. Resolution runs on the given {@link Scheduler}'s thread; call {@link #refresh()} to resolve now.
 */
public final class DnsDiscovery implements Discovery {
  private static final System.Logger LOG = System.getLogger(DnsDiscovery.class.getName());

  /** Resolves a host name to its addresses (all of them, A and AAAA). */
  @FunctionalInterface
  public interface Resolver {
    /**
     * Resolves {@code host}.
     *
     * @param host the host name of the {@code server-template}, for example {@code streams.veza.internal}
     * @return its addresses, possibly in any order
     * @throws UnknownHostException when the name does not resolve
     */
    List<InetAddress> resolve(String host) throws UnknownHostException;

    /**
     * The JDK resolver ({@link InetAddress#getAllByName}).
     *
     * @return a resolver that asks the JDK's name service (and its cache) on every call
     */
    static Resolver jdk() {
      return host -> Arrays.asList(InetAddress.getAllByName(host));
    }
  }

  private final String prefix;
  private final String host;
  private final int port;
  private final int count;
  private final Duration interval;
  private final Resolver resolver;
  private final Scheduler scheduler;
  private final BiConsumer<Integer, ServerSpec.Builder> options;
  private final Object lock = new Object();
  private @Nullable Consumer<List<ServerSpec>> sink; // guarded by lock
  private @Nullable List<ServerSpec> last; // guarded by lock
  private @Nullable Future<?> next; // guarded by lock
  private boolean closed; // guarded by lock

  private DnsDiscovery(Builder b) {
    this.prefix = b.prefix;
    this.host = b.host;
    this.port = b.port;
    this.count = b.count;
    this.interval = b.interval;
    this.resolver = b.resolver;
    this.scheduler = b.scheduler;
    this.options = b.options;
  }

  /**
   * A builder for {@code server-template <prefix> <count> <host>:<port>}.
   *
   * @param prefix the server name prefix
   * @param host the name to resolve
   * @param port the port of every server
   * @return a builder (count 1, refresh every 10 s, JDK resolver, system scheduler)
   */
  public static Builder builder(String prefix, String host, int port) {
    return new Builder(Objects.requireNonNull(prefix, "prefix"), Objects.requireNonNull(host, "host"), port);
  }

  @Override
  public void start(Consumer<List<ServerSpec>> newSink) {
    Objects.requireNonNull(newSink, "sink");
    synchronized (lock) {
      if (closed || sink != null) {
        throw new IllegalStateException("discovery already started or closed");
      }
      sink = newSink;
    }
    refresh();
  }

  /**
   * Resolves now and delivers the membership if it changed, and schedules the next refresh whatever happens: a
   * resolver, template options or sink that throws (an {@link Error} included) is logged and delivers nothing this
   * time, and the refreshes go on.
   *
   * @return whether the resolution succeeded and gave a valid membership
   */
  public boolean refresh() {
    synchronized (lock) {
      if (closed) {
        return false;
      }
    }
    VirtualMachineError fatal = null;
    boolean ok = false;
    try {
      List<InetAddress> addresses = null;
      try {
        addresses = resolver.resolve(host);
        ok = addresses != null && !addresses.isEmpty();
      } catch (UnknownHostException | RuntimeException | Error e) {
        LOG.log(System.Logger.Level.WARNING, "resolution of " + host + " failed, keeping the last membership: " + e);
        fatal = e instanceof VirtualMachineError vme ? vme : null;
      }
      synchronized (lock) {
        if (closed || !ok) {
          return false;
        }
        List<ServerSpec> membership;
        try {
          membership = membership(addresses);
        } catch (RuntimeException | Error e) {
          LOG.log(System.Logger.Level.WARNING, "server options failed for " + host + ", keeping the last membership",
              e);
          fatal = e instanceof VirtualMachineError vme ? vme : null;
          return ok = false;
        }
        if (!membership.equals(last) && sink != null) {
          last = membership;
          try {
            sink.accept(membership);
          } catch (RuntimeException | Error e) { // user code: whatever it throws, the discovery goes on
            last = null; // deliver in full again on the next refresh
            LOG.log(System.Logger.Level.WARNING, "membership sink failed for " + host, e);
            fatal = e instanceof VirtualMachineError vme ? vme : null;
          }
        }
      }
      return ok;
    } finally {
      synchronized (lock) {
        if (!closed) {
          if (next != null) {
            next.cancel(false);
          }
          next = scheduler.schedule(this::refresh, interval.toNanos(), TimeUnit.NANOSECONDS);
        }
      }
      if (fatal != null) {
        throw fatal; // out of memory or stack: not ours to swallow, but the next refresh is scheduled
      }
    }
  }

  /**
   * The servers for a set of addresses: a pure function of the set (order and duplicates ignored).
   *
   * @param addresses the addresses the host name resolved to, in any order, duplicates allowed
   * @return the membership, in template-number order
   */
  public List<ServerSpec> membership(List<InetAddress> addresses) {
    Set<InetAddress> unique = new LinkedHashSet<>(addresses);
    List<InetAddress> sorted = new ArrayList<>(unique);
    sorted.sort(Comparator.comparingLong(DnsDiscovery::addressHash)
        .thenComparing(a -> Arrays.toString(a.getAddress())));
    ServerSpec[] byNumber = new ServerSpec[count];
    int placed = 0;
    for (InetAddress a : sorted) {
      if (placed == count) {
        LOG.log(System.Logger.Level.WARNING, host + " resolved to more than " + count
            + " addresses; " + a.getHostAddress() + " left out");
        continue;
      }
      int slot = firstFree(addressHash(a), byNumber);
      int number = slot + 1;
      ServerSpec.Builder sb = ServerSpec.builder(prefix + number, new InetSocketAddress(a, port)).id(number);
      options.accept(number, sb);
      byNumber[slot] = sb.build();
      placed++;
    }
    List<ServerSpec> out = new ArrayList<>(placed);
    for (ServerSpec s : byNumber) {
      if (s != null) {
        out.add(s);
      }
    }
    return List.copyOf(out);
  }

  /** The first free template slot in the address's preference order: jump hash candidates, then a scan. */
  private int firstFree(long hash, ServerSpec[] taken) {
    long key = hash;
    for (int attempt = 0; attempt < 64; attempt++) {
      int slot = JumpHash.bucket(key, count);
      if (taken[slot] == null) {
        return slot;
      }
      key = mix(hash + (attempt + 1) * 0x9E3779B97F4A7C15L);
    }
    for (int slot = 0; slot < count; slot++) {
      if (taken[slot] == null) {
        return slot;
      }
    }
    throw new IllegalStateException("no free slot");
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private static long addressHash(InetAddress a) {
    return KeyHashers.xxh3().hash(a.getAddress());
  }

  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      sink = null;
      if (next != null) {
        next.cancel(false);
      }
    }
  }

  /** Builder of {@link DnsDiscovery}; not thread-safe. */
  public static final class Builder {
    private final String prefix;
    private final String host;
    private final int port;
    private int count = 1;
    private Duration interval = Duration.ofSeconds(10);
    private Resolver resolver = Resolver.jdk();
    private Scheduler scheduler = Scheduler.systemScheduler();
    private BiConsumer<Integer, ServerSpec.Builder> options = (n, s) -> { };

    private Builder(String prefix, String host, int port) {
      this.prefix = prefix;
      this.host = host;
      this.port = port;
    }

    /**
     * The template's size (HAProxy {@code <num>}): at most this many servers.
     *
     * @param count 1..1,000,000
     * @return this builder
     */
    public Builder count(int count) {
      this.count = count;
      return this;
    }

    /**
     * How often to resolve again (HAProxy {@code hold valid}), default 10 s.
     *
     * @param interval the time between two resolutions, &gt; 0 (checked by {@link #build()})
     * @return this builder
     */
    public Builder refreshInterval(Duration interval) {
      this.interval = Objects.requireNonNull(interval, "interval");
      return this;
    }

    /**
     * The resolver (default the JDK's); tests give their own so that no DNS server is needed.
     *
     * @param resolver what turns the host name into addresses on each refresh
     * @return this builder
     */
    public Builder resolver(Resolver resolver) {
      this.resolver = Objects.requireNonNull(resolver, "resolver");
      return this;
    }

    /**
     * Where refreshes run (default the system scheduler).
     *
     * @param scheduler what runs each refresh when it is due
     * @return this builder
     */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * Options of every templated server (HAProxy's template {@code params}), given its number.
     *
     * @param options sets options on each server's builder
     * @return this builder
     */
    public Builder serverOptions(BiConsumer<Integer, ServerSpec.Builder> options) {
      this.options = Objects.requireNonNull(options, "options");
      return this;
    }

    /**
     * Validates and builds.
     *
     * @return the discovery (not started)
     * @throws IllegalArgumentException naming the field and the value
     */
    public DnsDiscovery build() {
      if (prefix == null || prefix.isEmpty()) {
        throw new IllegalArgumentException("server-template prefix must be non-empty, was \"" + prefix + "\"");
      }
      if (host == null || host.isEmpty()) {
        throw new IllegalArgumentException("server-template fqdn must be non-empty, was \"" + host + "\"");
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("server-template port must be in [1, 65535], was " + port);
      }
      if (count < 1 || count > 1_000_000) {
        throw new IllegalArgumentException("server-template num must be in [1, 1000000], was " + count);
      }
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("refresh interval must be > 0, was " + interval);
      }
      return new DnsDiscovery(this);
    }
  }
}
