/** JMH benchmarks: Veza Routing's hot paths against Guava and hash4j, each peer measured in the same run. */
package io.veza.routing.bench;
