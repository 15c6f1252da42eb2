package io.sluice.gateway.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import io.sluice.gateway.metrics.GatewayCounters.Count;

/**
 * Shows the gateway's {@link GatewayCounters} to a meter registry, each as a {@link FunctionCounter} (a
 * {@link FunctionTimer} for the timed ones) that reads its count when scraped, and adds the gauges of the node's
 * connections: {@value #CONNECTIONS_OPEN} and {@value #OUTBOUND_QUEUE_MAX}, read from the connections at each
 * scrape.
 */
public final class GatewayMetrics implements MeterBinder, AutoCloseable {

	static final String CONNECTIONS_OPEN = "sluice.gateway.connections.open";

	static final String OUTBOUND_QUEUE_MAX = "sluice.gateway.outbound.queue.max";

	private final IntSupplier openConnections;

	private final LongSupplier largestOutboundQueue;

	private final List<Consumer<Count>> bound = new ArrayList<>();

	/**
	 * @param openConnections the connections open on this node
	 * @param largestOutboundQueue the bytes waiting in the fullest outbound queue of this node's connections
	 */
	public GatewayMetrics(IntSupplier openConnections, LongSupplier largestOutboundQueue) {
		this.openConnections = openConnections;
		this.largestOutboundQueue = largestOutboundQueue;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder(CONNECTIONS_OPEN, this.openConnections, IntSupplier::getAsInt)
			.description("WebSocket connections open on this node")
			.register(registry);
		Gauge.builder(OUTBOUND_QUEUE_MAX, this.largestOutboundQueue, LongSupplier::getAsLong)
			.description("Bytes waiting to be written in the fullest outbound queue of this node's connections")
			.baseUnit("bytes")
			.register(registry);
		Consumer<Count> register = (count) -> register(registry, count);
		synchronized (this.bound) {
			this.bound.add(register);
		}
		GatewayCounters.watch(register);
	}

	private static void register(MeterRegistry registry, Count count) {
		if (count.nanos != null) {
			FunctionTimer.builder(count.name, count, (timed) -> timed.adder.sum(), (timed) -> timed.nanos.sum(),
					TimeUnit.NANOSECONDS)
				.description(count.description)
				.tags(count.tags)
				.register(registry);
		}
		else {
			FunctionCounter.builder(count.name, count.adder, LongAdder::sum)
				.description(count.description)
				.tags(count.tags)
				.register(registry);
		}
	}

	/** Stops registering the counters made from now on (the registries keep those registered). */
	@Override
	public void close() {
		synchronized (this.bound) {
			this.bound.forEach(GatewayCounters::unwatch);
			this.bound.clear();
		}
	}

}
