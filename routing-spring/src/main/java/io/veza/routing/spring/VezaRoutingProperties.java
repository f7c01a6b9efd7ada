package io.veza.routing.spring;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code veza.routing.*}: one pool per load-balanced service, configured with HAProxy's keywords. A route whose
 * URI is {@code lb://<service>} goes through the pool of that service when {@code veza.routing.services.<service>}
 * exists; other services keep Spring Cloud LoadBalancer's default.
 *
 * <pre>
 * veza:
 *   routing:
 *     services:
 *       backend-api:
 *         cookie: SERVERID insert indirect nocache
 *         check: inter 5s fall 3 rise 2 slowstart 30s on-marked-down shutdown-sessions
 *         check-path: /api/v1/health
 *         retries: 3
 *         redispatch: true
 *       stream:
 *         balance: path-segment 1
 *         hash-seed: 7340525781
 * </pre>
 */
@ConfigurationProperties(prefix = VezaRoutingProperties.PREFIX)
public class VezaRoutingProperties {
  /** The property prefix. */
  public static final String PREFIX = "veza.routing";

  private boolean enabled = true;
  private Duration startupTimeout = Duration.ofSeconds(10);
  private Map<String, Service> services = new LinkedHashMap<>();

  /** Creates the properties with their defaults. */
  public VezaRoutingProperties() {}

  /**
   * Whether the integration is on (default true).
   *
   * @return whether it is on
   */
  public boolean isEnabled() {
    return enabled;
  }

  /**
   * Turns the integration on or off.
   *
   * @param enabled whether it is on
   */
  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  /**
   * How long startup waits for each service's first membership before the gateway takes traffic (default 10s);
   * past it the pool starts empty and fills when discovery answers.
   *
   * @return the timeout
   */
  public Duration getStartupTimeout() {
    return startupTimeout;
  }

  /**
   * Sets the startup timeout.
   *
   * @param startupTimeout the timeout, &gt;= 0
   */
  public void setStartupTimeout(Duration startupTimeout) {
    this.startupTimeout = startupTimeout;
  }

  /**
   * The pools, by service id (the host of {@code lb://<service>}).
   *
   * @return the services
   */
  public Map<String, Service> getServices() {
    return services;
  }

  /**
   * Sets the pools.
   *
   * @param services the services
   */
  public void setServices(Map<String, Service> services) {
    this.services = services;
  }

  /** One service's pool: HAProxy's backend keywords. */
  public static class Service {
    private String balance = "roundrobin";
    private @Nullable String cookie;
    private @Nullable String dynamicCookieKey;
    private @Nullable String check;
    private @Nullable String checkPath;
    private String checkMethod = "GET";
    private int retries = 3;
    private boolean redispatch;
    private @Nullable Integer redispatchInterval;
    private boolean persist;
    private boolean allbackups;
    private @Nullable Long hashSeed;
    private @Nullable Integer hashWeightScale;
    private Duration refresh = Duration.ofSeconds(5);

    /** Creates a service with HAProxy's defaults. */
    public Service() {}

    /**
     * HAProxy {@code balance}: {@code roundrobin} (default), {@code uri [path-only] [whole] [len N] [depth N]},
     * {@code hdr(<name>)}, {@code url_param <name>}, or {@code path-segment <index>}.
     *
     * @return the balance line
     */
    public String getBalance() {
      return balance;
    }

    /**
     * Sets the balance line.
     *
     * @param balance the line
     */
    public void setBalance(String balance) {
      this.balance = balance;
    }

    /**
     * HAProxy {@code cookie}, e.g. {@code SERVERID insert indirect nocache}; none by default.
     *
     * @return the cookie line, or null
     */
    public @Nullable String getCookie() {
      return cookie;
    }

    /**
     * Sets the cookie line.
     *
     * @param cookie the line
     */
    public void setCookie(@Nullable String cookie) {
      this.cookie = cookie;
    }

    /**
     * HAProxy {@code dynamic-cookie-key}, for {@code cookie ... dynamic}.
     *
     * @return the key, or null
     */
    public @Nullable String getDynamicCookieKey() {
      return dynamicCookieKey;
    }

    /**
     * Sets the dynamic cookie key.
     *
     * @param dynamicCookieKey the key
     */
    public void setDynamicCookieKey(@Nullable String dynamicCookieKey) {
      this.dynamicCookieKey = dynamicCookieKey;
    }

    /**
     * HAProxy's server {@code check} keywords, e.g. {@code inter 5s fall 3 rise 2 slowstart 30s}; when set, every
     * instance is checked actively. Unset: no active check.
     *
     * @return the check line, or null
     */
    public @Nullable String getCheck() {
      return check;
    }

    /**
     * Sets the check line.
     *
     * @param check the line
     */
    public void setCheck(@Nullable String check) {
      this.check = check;
    }

    /**
     * HAProxy {@code option httpchk} path, e.g. {@code /api/v1/health}: checks are HTTP requests expecting 2xx or
     * 3xx. Unset: checks are TCP connects.
     *
     * @return the path, or null
     */
    public @Nullable String getCheckPath() {
      return checkPath;
    }

    /**
     * Sets the check path.
     *
     * @param checkPath the path
     */
    public void setCheckPath(@Nullable String checkPath) {
      this.checkPath = checkPath;
    }

    /**
     * HAProxy {@code option httpchk} method (default GET).
     *
     * @return the method
     */
    public String getCheckMethod() {
      return checkMethod;
    }

    /**
     * Sets the check method.
     *
     * @param checkMethod the method
     */
    public void setCheckMethod(String checkMethod) {
      this.checkMethod = checkMethod;
    }

    /**
     * HAProxy {@code retries} (default 3): connection attempts after a failed connect.
     *
     * @return the retries
     */
    public int getRetries() {
      return retries;
    }

    /**
     * Sets the retries.
     *
     * @param retries at least 0
     */
    public void setRetries(int retries) {
      this.retries = retries;
    }

    /**
     * HAProxy {@code option redispatch} (default off).
     *
     * @return whether to redispatch
     */
    public boolean isRedispatch() {
      return redispatch;
    }

    /**
     * Sets redispatch.
     *
     * @param redispatch whether to redispatch
     */
    public void setRedispatch(boolean redispatch) {
      this.redispatch = redispatch;
    }

    /**
     * HAProxy {@code option redispatch <interval>} (default -1: the last retry).
     *
     * @return the interval, or null
     */
    public @Nullable Integer getRedispatchInterval() {
      return redispatchInterval;
    }

    /**
     * Sets the redispatch interval.
     *
     * @param redispatchInterval non-zero
     */
    public void setRedispatchInterval(@Nullable Integer redispatchInterval) {
      this.redispatchInterval = redispatchInterval;
    }

    /**
     * HAProxy {@code option persist} (default off).
     *
     * @return whether to persist on DOWN servers
     */
    public boolean isPersist() {
      return persist;
    }

    /**
     * Sets persist.
     *
     * @param persist whether to persist
     */
    public void setPersist(boolean persist) {
      this.persist = persist;
    }

    /**
     * HAProxy {@code option allbackups} (default off).
     *
     * @return whether all backups share the load
     */
    public boolean isAllbackups() {
      return allbackups;
    }

    /**
     * Sets allbackups.
     *
     * @param allbackups whether all backups share the load
     */
    public void setAllbackups(boolean allbackups) {
      this.allbackups = allbackups;
    }

    /**
     * The seed of the keyed key hash (XXH3) of hash balancing; every gateway of a fleet must share it. Unset: the
     * unseeded hash.
     *
     * @return the seed, or null
     */
    public @Nullable Long getHashSeed() {
      return hashSeed;
    }

    /**
     * Sets the hash seed.
     *
     * @param hashSeed the seed
     */
    public void setHashSeed(@Nullable Long hashSeed) {
      this.hashSeed = hashSeed;
    }

    /**
     * Hashed pools: the weight that counts as a full share (default the largest weight at startup, at least 1).
     *
     * @return the scale, or null
     */
    public @Nullable Integer getHashWeightScale() {
      return hashWeightScale;
    }

    /**
     * Sets the hash weight scale.
     *
     * @param hashWeightScale 1..256
     */
    public void setHashWeightScale(@Nullable Integer hashWeightScale) {
      this.hashWeightScale = hashWeightScale;
    }

    /**
     * How often the membership is read again from the service's {@code ServiceInstanceListSupplier} once a read
     * completes (default 5s).
     *
     * @return the interval
     */
    public Duration getRefresh() {
      return refresh;
    }

    /**
     * Sets the refresh interval.
     *
     * @param refresh &gt; 0
     */
    public void setRefresh(Duration refresh) {
      this.refresh = refresh;
    }
  }
}
