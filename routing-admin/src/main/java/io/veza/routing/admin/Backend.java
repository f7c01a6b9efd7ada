package io.veza.routing.admin;

import io.veza.routing.BackendPool;

/**
 * One pool served by the runtime API: its proxy id ({@code iid}, HAProxy's backend {@code id}) and its monitor.
 *
 * @param pool the pool
 * @param iid the proxy id shown in {@code show stat} and used by its filters
 * @param monitor the pool's health monitor
 */
record Backend(BackendPool pool, int iid, PoolMonitor monitor) {}
