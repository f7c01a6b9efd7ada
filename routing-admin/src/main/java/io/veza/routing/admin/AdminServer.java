package io.veza.routing.admin;

import io.veza.routing.BackendPool;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * HAProxy's runtime API (the "stats socket") for live pools: the same text protocol, commands, outputs and error
 * texts as HAProxy 2.6, on a Unix socket and/or TCP, so that {@code socat}, {@code hatop}, Prometheus'
 * {@code haproxy_exporter} and operators' scripts work unchanged. Build it with {@link #builder()}:
 *
 * <pre>{@code
 * AdminServer admin = AdminServer.builder()
 *     .pool(apiPool).pool(streamPool)
 *     .unixSocket(Path.of("/run/veza/admin.sock"))                    // level admin, mode 0600
 *     .tcp(InetAddress.getLoopbackAddress(), 9100, AccessLevel.OPERATOR)
 *     .start();
 * // echo "show stat" | socat stdio unix-connect:/run/veza/admin.sock
 * }</pre>
 *
 * <h2>Commands</h2>
 * {@code help}, {@code prompt}, {@code quit}, {@code show stat [<iid|pxname> <type> <sid>] [typed|desc|up|no-maint]},
 * {@code show info [typed|desc]}, {@code show servers state [<backend>]}, {@code show backend},
 * {@code show cli level}, {@code show version}, {@code set server <b>/<s> state ready|drain|maint},
 * {@code set server <b>/<s> weight <n>[%]}, {@code set server <b>/<s> health up|stopping|down},
 * {@code set server <b>/<s> addr <ip> [port <p>]}, {@code get weight}, {@code set weight},
 * {@code enable server}, {@code disable server}, {@code add server <b>/<s> <addr>:<port> [options]},
 * {@code del server <b>/<s>}, {@code set timeout cli <delay>}, {@code operator}, {@code user}. Several commands may
 * be sent on one line, separated by {@code ;}. Changes need {@link AccessLevel#ADMIN}; anything else answers
 * "Permission denied". Unknown commands get HAProxy's "Unknown command" text with the closest commands.
 *
 * <h2>Limits</h2>
 * At most {@link Builder#maxConnections} connections at once (default 16; more are closed at once), requests of at
 * most {@link Builder#maxRequestBytes} bytes without a newline (default 16384, HAProxy's {@code tune.bufsize}; a
 * longer line closes the connection), idle connections closed after {@link Builder#idleTimeout} (default 10 s,
 * HAProxy's {@code stats timeout}; a session may change its own with {@code set timeout cli}, up to
 * {@link Builder#maxIdleTimeout}). A client that does not read its output is not read from until it does.
 *
 * <h2>Threads</h2>
 * One daemon thread ({@code veza-admin}) serves every connection with non-blocking I/O and runs the commands: each
 * command calls only the pools' thread-safe, non-blocking methods, so the runtime API never blocks routing, and a
 * stuck or hostile client cannot block other clients. Health transitions are logged in HAProxy's words
 * ({@link HealthLog}) unless {@link Builder#logHealthTransitions(boolean)} turns it off.
 */
public final class AdminServer implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(AdminServer.class.getName());
  /** Output queued per connection before its next commands wait for the client to read. */
  private static final int OUTPUT_CHUNK = 64 * 1024;

  /** This library's version, as {@code show info} and {@code show version} print it. */
  static final String VERSION = readVersion();

  private final List<Backend> backends;
  private final Cli cli;
  private final Builder config;
  private final List<HealthLog> healthLogs = new ArrayList<>();
  private final Selector selector;
  private final List<Listener> listeners = new ArrayList<>();
  private final Set<Conn> conns = new HashSet<>();
  private final Thread thread;
  private final Instant started = Instant.now();
  private final long startedNanos = System.nanoTime();
  private final AtomicLong totalConnections = new AtomicLong();
  private volatile boolean running = true;

  private record Listener(ServerSocketChannel channel, AccessLevel level, SocketAddress address,
                          @Nullable Path path) {}

  private AdminServer(Builder b) throws IOException {
    this.config = b;
    List<Backend> list = new ArrayList<>();
    Set<Integer> used = new HashSet<>();
    for (PoolEntry e : b.pools) {
      if (e.iid > 0) {
        used.add(e.iid);
      }
    }
    int next = 1;
    for (PoolEntry e : b.pools) {
      int iid = e.iid;
      if (iid <= 0) {
        while (used.contains(next)) {
          next++;
        }
        iid = next++;
      }
      list.add(new Backend(e.pool, iid, new PoolMonitor(e.pool, null).install()));
    }
    this.backends = List.copyOf(list);
    this.cli = new Cli(backends, this::infoFields);
    if (b.logHealth) {
      for (Backend be : backends) {
        healthLogs.add(HealthLog.install(be.pool()));
      }
    }
    this.selector = Selector.open();
    try {
      for (ListenerSpec l : b.listeners) {
        listeners.add(bind(l));
      }
    } catch (IOException | RuntimeException e) {
      closeQuietly();
      throw e;
    }
    this.thread = new Thread(this::loop, "veza-admin");
    thread.setDaemon(true);
  }

  /**
   * A builder with HAProxy's defaults and no pool and no listener.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  private Listener bind(ListenerSpec l) throws IOException {
    ServerSocketChannel ch;
    SocketAddress bound;
    if (l.path != null) {
      Path p = l.path;
      if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) || Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          throw new IllegalArgumentException("unixSocket must be a free path or an old socket, was " + p
              + " (an existing file or directory)");
        }
        Files.delete(p); // an old socket left by a previous run, as HAProxy replaces its own
      }
      ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      ch.bind(UnixDomainSocketAddress.of(p), 16);
      try {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        LOG.log(System.Logger.Level.DEBUG, "no POSIX permissions for " + p);
      }
      bound = UnixDomainSocketAddress.of(p);
    } else {
      ch = ServerSocketChannel.open();
      ch.bind(l.tcp, 16);
      bound = ch.getLocalAddress();
    }
    ch.configureBlocking(false);
    Listener listener = new Listener(ch, l.level, bound, l.path);
    ch.register(selector, SelectionKey.OP_ACCEPT, listener);
    return listener;
  }

  private AdminServer startThread() {
    thread.start();
    return this;
  }

  /**
   * The Unix socket path, if the server listens on one.
   *
   * @return the first Unix socket's path, or empty
   */
  public Optional<Path> unixSocket() {
    return listeners.stream().map(Listener::path).filter(Objects::nonNull).findFirst();
  }

  /**
   * The TCP address the server listens on (with the actual port when port 0 was asked for), if any.
   *
   * @return the first TCP listener's address, or empty
   */
  public Optional<InetSocketAddress> tcpAddress() {
    return listeners.stream().map(Listener::address).filter(a -> a instanceof InetSocketAddress)
        .map(a -> (InetSocketAddress) a).findFirst();
  }

  /**
   * Runs commands in-process, as one non-interactive socket connection at {@code level} would: the same output,
   * byte for byte, without a socket. For tests and for embedding the API in another transport.
   *
   * @param commands one or more commands separated by newlines or {@code ;}
   * @param level the access level
   * @return what the socket would send back
   */
  public String execute(String commands, AccessLevel level) {
    Objects.requireNonNull(level, "level");
    Cli.Session s = new Cli.Session(level);
    StringBuilder out = new StringBuilder();
    List<String> lines = split(commands + (commands.endsWith("\n") ? "" : "\n"));
    for (String line : lines) {
      run(s, line, out);
      if (s.quit) {
        break;
      }
    }
    return out.toString();
  }

  /** Runs one command line and appends its output and the post-command prompt ({@code "\n"} or {@code "\n> "}). */
  private void run(Cli.Session s, String line, StringBuilder out) {
    cli.execute(s, line, out);
    if (!s.quit) {
      out.append(s.prompt ? "\n> " : "\n");
    }
  }

  /** Complete commands of {@code text}: split at newlines and unescaped {@code ;}, a trailing CR removed. */
  static List<String> split(String text) {
    List<String> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\') {
        i++;
        continue;
      }
      if (c == '\n' || c == ';') {
        int end = i;
        if (c == '\n' && end > start && text.charAt(end - 1) == '\r') {
          end--;
        }
        out.add(text.substring(start, end));
        start = i + 1;
      }
    }
    return out;
  }

  // ------------------------------------------------------------------------------------------------ network

  /** One client connection. */
  private final class Conn {
    final SocketChannel channel;
    final SelectionKey key;
    final Cli.Session session;
    final ByteBuffer in;
    @Nullable ByteBuffer out;
    long lastActivity = System.nanoTime();
    boolean closeAfterFlush;
    boolean eof;

    Conn(SocketChannel channel, SelectionKey key, AccessLevel level) {
      this.channel = channel;
      this.key = key;
      this.session = new Cli.Session(level);
      this.in = ByteBuffer.allocate(config.maxRequestBytes);
    }

    long timeoutNanos() {
      long ms = session.timeoutMillis > 0 ? Math.min(session.timeoutMillis, config.maxIdleTimeout.toMillis())
          : config.idleTimeout.toMillis();
      return ms * 1_000_000L;
    }
  }

  private void loop() {
    while (running) {
      try {
        selector.select(1000);
        if (!running) {
          break;
        }
        Iterator<SelectionKey> it = selector.selectedKeys().iterator();
        while (it.hasNext()) {
          SelectionKey k = it.next();
          it.remove();
          try {
            if (!k.isValid()) {
              continue;
            }
            if (k.isAcceptable()) {
              accept((Listener) k.attachment());
            } else {
              Conn c = (Conn) k.attachment();
              if (k.isWritable()) {
                flush(c);
              }
              if (k.isValid() && k.isReadable()) {
                read(c);
              }
            }
          } catch (IOException e) {
            if (k.attachment() instanceof Conn c) {
              close(c);
            }
            LOG.log(System.Logger.Level.DEBUG, "runtime API connection error", e);
          } catch (Throwable t) { // a bug or a broken deployment must cost one connection, not the whole API
            if (k.attachment() instanceof Conn c) {
              close(c);
            }
            LOG.log(System.Logger.Level.WARNING, "runtime API command failed; connection closed", t);
          }
        }
        long now = System.nanoTime();
        for (Conn c : new ArrayList<>(conns)) {
          if (now - c.lastActivity > c.timeoutNanos()) {
            close(c);
          }
        }
      } catch (IOException | RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "runtime API loop error", e);
      }
    }
  }

  private void accept(Listener l) throws IOException {
    SocketChannel ch;
    while ((ch = l.channel().accept()) != null) {
      if (conns.size() >= config.maxConnections) {
        ch.close(); // over the limit: refused at once rather than left waiting
        continue;
      }
      ch.configureBlocking(false);
      SelectionKey key = ch.register(selector, SelectionKey.OP_READ);
      Conn c = new Conn(ch, key, l.level());
      key.attach(c);
      conns.add(c);
      totalConnections.incrementAndGet();
    }
  }

  private void read(Conn c) throws IOException {
    int n = c.channel.read(c.in);
    if (n > 0) {
      c.lastActivity = System.nanoTime();
    } else if (n < 0) {
      c.eof = true;
    }
    process(c);
  }

  /**
   * Runs the complete commands in the input buffer, in order, until about {@link #OUTPUT_CHUNK} bytes of output are
   * pending (the rest runs once the client has read them), then decides what comes next: close (non-interactive
   * and nothing more sent, {@code quit}, end of input), keep reading, or wait for the client to read.
   */
  private void process(Conn c) {
    StringBuilder out = new StringBuilder();
    ByteBuffer in = c.in;
    in.flip();
    while (!c.closeAfterFlush && out.length() < OUTPUT_CHUNK) {
      int end = -1;
      byte[] a = in.array();
      for (int i = in.position(); i < in.limit(); i++) {
        byte b = a[i];
        if (b == '\\') {
          i++;
          continue;
        }
        if (b == '\n' || b == ';') {
          end = i;
          break;
        }
      }
      if (end < 0) {
        break;
      }
      int len = end - in.position();
      if (a[end] == '\n' && len > 0 && a[end - 1] == '\r') {
        len--;
      }
      String line = new String(a, in.position(), len, StandardCharsets.UTF_8);
      in.position(end + 1);
      run(c.session, line, out);
      if (c.session.quit || (!c.session.prompt && !in.hasRemaining())) {
        c.closeAfterFlush = true; // non-interactive: close once nothing more was sent (HAProxy's rule)
      }
    }
    boolean moreLines = false;
    for (int i = in.position(); i < in.limit() && !moreLines; i++) {
      byte b = in.array()[i];
      if (b == '\\') {
        i++;
      } else if (b == '\n' || b == ';') {
        moreLines = true;
      }
    }
    in.compact();
    if (c.eof && !moreLines) {
      c.closeAfterFlush = true; // end of input: an incomplete last line is dropped, as HAProxy does
    } else if (!moreLines && !in.hasRemaining()) {
      close(c); // a request longer than the buffer without a newline
      return;
    }
    queue(c, out);
  }

  private void queue(Conn c, StringBuilder out) {
    if (out.length() > 0) {
      byte[] bytes = out.toString().getBytes(StandardCharsets.UTF_8);
      ByteBuffer pending = c.out;
      if (pending == null || !pending.hasRemaining()) {
        c.out = ByteBuffer.wrap(bytes);
      } else {
        ByteBuffer merged = ByteBuffer.allocate(pending.remaining() + bytes.length);
        merged.put(pending).put(bytes).flip();
        c.out = merged;
      }
    }
    try {
      flush(c);
    } catch (IOException e) {
      close(c);
    }
  }

  private void flush(Conn c) throws IOException {
    ByteBuffer out = c.out;
    if (out != null && out.hasRemaining()) {
      if (c.channel.write(out) > 0) {
        c.lastActivity = System.nanoTime();
      }
    }
    if (out != null && out.hasRemaining()) {
      c.key.interestOps(SelectionKey.OP_WRITE); // do not read more until the client reads what it asked for
      return;
    }
    c.out = null;
    if (c.closeAfterFlush) {
      close(c);
      return;
    }
    if (hasCompleteLine(c.in)) {
      process(c); // commands that waited for the output to drain
      return;
    }
    c.key.interestOps(c.eof ? 0 : SelectionKey.OP_READ);
  }

  private static boolean hasCompleteLine(ByteBuffer in) {
    byte[] a = in.array();
    for (int i = 0; i < in.position(); i++) {
      if (a[i] == '\\') {
        i++;
      } else if (a[i] == '\n' || a[i] == ';') {
        return true;
      }
    }
    return false;
  }

  private void close(Conn c) {
    conns.remove(c);
    c.key.cancel();
    try {
      c.channel.close();
    } catch (IOException e) {
      LOG.log(System.Logger.Level.DEBUG, "close failed", e);
    }
  }

  /** Stops listening, closes every connection and the health logs; the Unix socket file is removed. Idempotent. */
  @Override
  public void close() {
    if (!running) {
      return;
    }
    running = false;
    selector.wakeup();
    if (thread.isAlive() && Thread.currentThread() != thread) {
      try {
        thread.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    closeQuietly();
  }

  private void closeQuietly() {
    for (Conn c : new ArrayList<>(conns)) {
      close(c);
    }
    for (Listener l : listeners) {
      try {
        l.channel().close();
        if (l.path() != null) {
          Files.deleteIfExists(l.path());
        }
      } catch (IOException e) {
        LOG.log(System.Logger.Level.DEBUG, "close failed", e);
      }
    }
    try {
      selector.close();
    } catch (IOException e) {
      LOG.log(System.Logger.Level.DEBUG, "close failed", e);
    }
    for (HealthLog h : healthLogs) {
      h.close();
    }
    for (Backend b : backends) {
      b.monitor().uninstall();
    }
  }

  // ------------------------------------------------------------------------------------------------ show info

  /** The {@code show info} fields: name, value, tags:type, index, description (HAProxy's order and names). */
  private void infoFields(List<String[]> out) {
    long up = (System.nanoTime() - startedNanos) / 1_000_000_000L;
    Instant processStart = ProcessHandle.current().info().startInstant().orElse(started);
    long processUp = Math.max(up, Duration.between(processStart, Instant.now()).getSeconds());
    long requests = 0;
    for (Backend b : backends) {
      for (Long n : b.pool().stats().decisions().values()) {
        requests += n;
      }
    }
    int cur = config.currentConnections == null ? 0 : config.currentConnections.getAsInt();
    long cum = config.totalConnections == null ? 0 : config.totalConnections.getAsLong();
    f(out, 0, "Name", "Veza-Routing", "POS:str", "Product name");
    f(out, 1, "Version", VERSION, "POS:str", "Product version");
    f(out, 2, "Release_date", "-", "POS:str", "Date of latest source code update");
    f(out, 3, "Nbthread", Runtime.getRuntime().availableProcessors(), "CGS:u32",
        "Number of started threads (global.nbthread)");
    f(out, 4, "Nbproc", 1, "CGS:u32", "Number of started worker processes (historical, always 1)");
    f(out, 5, "Process_num", 1, "KGP:u32", "Relative worker process number (1)");
    f(out, 6, "Pid", ProcessHandle.current().pid(), "SGP:u32", "This worker process identifier for the system");
    f(out, 7, "Uptime", String.format("%dd %dh%02dm%02ds", processUp / 86400, (processUp % 86400) / 3600,
        (processUp % 3600) / 60, processUp % 60), "MDP:str",
        "How long ago this worker process was started (days+hours+minutes+seconds)");
    f(out, 8, "Uptime_sec", processUp, "MDP:u32", "How long ago this worker process was started (seconds)");
    f(out, 15, "Maxconn", config.maxConnectionsValue, "CLP:u32",
        "Hard limit on the number of per-process connections (configured or imposed by Ulimit-n)");
    f(out, 17, "CurrConns", cur, "MGP:u32", "Current number of connections on this worker process");
    f(out, 18, "CumConns", cum, "MCP:u32", "Total number of connections on this worker process since started");
    f(out, 19, "CumReq", requests, "MCP:u32", "Total number of requests on this worker process since started");
    f(out, 23, "Maxpipes", 0, "CLP:u32", "Hard limit on the number of pipes for splicing, 0=unlimited");
    f(out, 24, "PipesUsed", 0, "MGP:u32", "Current number of pipes in use in this worker process");
    f(out, 25, "PipesFree", 0, "MGP:u32",
        "Current number of allocated and available pipes in this worker process");
    f(out, 47, "Tasks", Thread.activeCount(), "MGP:u32",
        "Total number of tasks in the current worker process (active + sleeping)");
    f(out, 48, "Run_queue", 0, "MGP:u32", "Total number of active tasks+tasklets in the current worker process");
    f(out, 50, "node", config.node, "COS:str", "Node name (global.node)");
    if (config.description != null) {
      f(out, 51, "description", config.description, "COS:str", "Node description (global.description)");
    }
    f(out, 52, "Stopping", running ? 0 : 1, "MGP:u32",
        "1 if the worker process is currently stopping, otherwise zero");
    f(out, 55, "Listeners", listeners.size(), "MGP:u32",
        "Current number of active listeners on the current worker process");
    f(out, 66, "Build info", VERSION, "POS:str", "Build info");
    f(out, 70, "Start_time_sec", processStart.getEpochSecond(), "MDP:u32", "Start time in seconds");
  }

  private static void f(List<String[]> out, int index, String name, Object value, String tagsType, String desc) {
    out.add(new String[] {name, String.valueOf(value), tagsType, String.valueOf(index), desc});
  }

  private static String readVersion() {
    try (InputStream in = AdminServer.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  // ------------------------------------------------------------------------------------------------ builder

  private record PoolEntry(BackendPool pool, int iid) {}

  private record ListenerSpec(@Nullable Path path, @Nullable InetSocketAddress tcp, AccessLevel level) {}

  /** Configuration of an {@link AdminServer}; not thread-safe. */
  public static final class Builder {
    private final List<PoolEntry> pools = new ArrayList<>();
    private final List<ListenerSpec> listeners = new ArrayList<>();
    private int maxConnections = 16;
    private int maxRequestBytes = 16384;
    private Duration idleTimeout = Duration.ofSeconds(10);
    private Duration maxIdleTimeout = Duration.ofHours(1);
    private boolean logHealth = true;
    private String node = defaultNode();
    private @Nullable String description;
    private @Nullable IntSupplier currentConnections;
    private @Nullable LongSupplier totalConnections;
    private int maxConnectionsValue;

    private Builder() {}

    private static String defaultNode() {
      String h = System.getenv("HOSTNAME");
      return h == null || h.isBlank() ? "localhost" : h.trim();
    }

    /**
     * Serves {@code pool} as a backend; backends get proxy ids ({@code iid}) 1, 2, ... in the order they are added.
     *
     * @param pool the pool
     * @return this builder
     */
    public Builder pool(BackendPool pool) {
      return pool(pool, 0);
    }

    /**
     * Serves {@code pool} with a fixed proxy id (HAProxy's backend {@code id}), for scripts that filter
     * {@code show stat} by id.
     *
     * @param pool the pool
     * @param iid the id, &gt; 0 and unique (0: the next free one)
     * @return this builder
     */
    public Builder pool(BackendPool pool, int iid) {
      Objects.requireNonNull(pool, "pool");
      if (iid < 0) {
        throw new IllegalArgumentException("pool iid must be >= 0, was " + iid + " (pool " + pool.name() + ")");
      }
      for (PoolEntry e : pools) {
        if (e.pool.name().equals(pool.name())) {
          throw new IllegalArgumentException("pool names must be unique, was duplicate \"" + pool.name() + "\"");
        }
        if (iid > 0 && e.iid == iid) {
          throw new IllegalArgumentException("pool iid must be unique, was duplicate " + iid + " (pool "
              + pool.name() + ")");
        }
      }
      pools.add(new PoolEntry(pool, iid));
      return this;
    }

    /**
     * Listens on a Unix socket at {@link AccessLevel#ADMIN} (file mode 0600: only the owner can connect). An old
     * socket at that path is replaced; any other existing file is refused.
     *
     * @param path the socket path
     * @return this builder
     */
    public Builder unixSocket(Path path) {
      return unixSocket(path, AccessLevel.ADMIN);
    }

    /**
     * Listens on a Unix socket at the given level (file mode 0600).
     *
     * @param path the socket path
     * @param level what its connections may do
     * @return this builder
     */
    public Builder unixSocket(Path path, AccessLevel level) {
      listeners.add(new ListenerSpec(Objects.requireNonNull(path, "unixSocket"), null,
          Objects.requireNonNull(level, "level")));
      return this;
    }

    /**
     * Listens on TCP on 127.0.0.1 at {@link AccessLevel#OPERATOR} (read-only; HAProxy's default level).
     *
     * @param port the port, 0 for any free one
     * @return this builder
     */
    public Builder tcp(int port) {
      return tcp(InetAddress.getLoopbackAddress(), port, AccessLevel.OPERATOR);
    }

    /**
     * Listens on TCP. Nothing authenticates a TCP client: bind to a loopback or private address and give it the
     * lowest level that does the job.
     *
     * @param address the address to bind
     * @param port the port, 0 for any free one
     * @param level what its connections may do
     * @return this builder
     */
    public Builder tcp(InetAddress address, int port, AccessLevel level) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("tcp port must be in [0, 65535], was " + port);
      }
      listeners.add(new ListenerSpec(null, new InetSocketAddress(Objects.requireNonNull(address, "address"), port),
          Objects.requireNonNull(level, "level")));
      return this;
    }

    /**
     * Most connections at once, all listeners together (default 16); more are closed as soon as accepted.
     *
     * @param max at least 1
     * @return this builder
     */
    public Builder maxConnections(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxConnections must be >= 1, was " + max);
      }
      this.maxConnections = max;
      return this;
    }

    /**
     * Longest request line, in bytes (default 16384); a longer one closes the connection.
     *
     * @param max 64..1048576
     * @return this builder
     */
    public Builder maxRequestBytes(int max) {
      if (max < 64 || max > 1 << 20) {
        throw new IllegalArgumentException("maxRequestBytes must be in [64, 1048576], was " + max);
      }
      this.maxRequestBytes = max;
      return this;
    }

    /**
     * How long a connection may stay idle (default 10 s, HAProxy's {@code stats timeout}).
     *
     * @param timeout at least 1 s
     * @return this builder
     */
    public Builder idleTimeout(Duration timeout) {
      if (timeout == null || timeout.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("idleTimeout must be >= 1s, was " + timeout);
      }
      this.idleTimeout = timeout;
      return this;
    }

    /**
     * The longest idle timeout a session may ask for with {@code set timeout cli} (default 1 h).
     *
     * @param timeout at least 1 s
     * @return this builder
     */
    public Builder maxIdleTimeout(Duration timeout) {
      if (timeout == null || timeout.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("maxIdleTimeout must be >= 1s, was " + timeout);
      }
      this.maxIdleTimeout = timeout;
      return this;
    }

    /**
     * Whether the pools' health transitions are logged in HAProxy's words ({@link HealthLog}); default true.
     *
     * @param enabled whether to log
     * @return this builder
     */
    public Builder logHealthTransitions(boolean enabled) {
      this.logHealth = enabled;
      return this;
    }

    /**
     * {@code show info}'s {@code node} (default the {@code HOSTNAME} environment variable, else "localhost").
     *
     * @param node the node name, without spaces
     * @return this builder
     */
    public Builder node(String node) {
      if (node == null || node.isEmpty() || node.chars().anyMatch(ch -> ch <= ' ')) {
        throw new IllegalArgumentException("node must be non-empty without spaces, was " + node);
      }
      this.node = node;
      return this;
    }

    /**
     * {@code show info}'s {@code description} (default none).
     *
     * @param description the text
     * @return this builder
     */
    public Builder description(String description) {
      this.description = Objects.requireNonNull(description, "description");
      return this;
    }

    /**
     * The gateway's own connection counters for {@code show info} ({@code Maxconn}, {@code CurrConns},
     * {@code CumConns}); 0 when not given.
     *
     * @param max the gateway's connection limit
     * @param current current client connections
     * @param total client connections since start
     * @return this builder
     */
    public Builder gatewayConnections(int max, IntSupplier current, LongSupplier total) {
      this.maxConnectionsValue = max;
      this.currentConnections = Objects.requireNonNull(current, "current");
      this.totalConnections = Objects.requireNonNull(total, "total");
      return this;
    }

    /**
     * Binds the listeners and starts serving. Without a listener, only {@link AdminServer#execute} serves.
     *
     * @return the running server
     * @throws IllegalStateException if no pool was given
     * @throws UncheckedIOException if a listener cannot be bound
     */
    public AdminServer start() {
      if (pools.isEmpty()) {
        throw new IllegalStateException("pool: at least one pool must be served, was none");
      }
      try {
        return new AdminServer(this).startThread();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot bind the runtime API listeners", e);
      }
    }
  }

  @Override
  public String toString() {
    return "AdminServer{" + listeners.stream().map(l -> l.address() + " " + l.level().haproxyName()).toList() + ", "
        + backends.size() + " pools}";
  }
}
