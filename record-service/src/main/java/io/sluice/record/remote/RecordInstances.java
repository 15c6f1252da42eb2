package io.sluice.record.remote;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import io.sluice.record.api.RecordApi;

/**
 * The record-service instances a gateway routes to: a static list and, when configured, every address a DNS name
 * resolves to (a headless service's A records), resolved again periodically. An instance that fails a call with
 * a connection problem, or fails a probe, leaves the live set, and rejoins when it answers a probe again; while it
 * is out, the names it owns go to their next choice. Names are ranked by the id each instance answers probes with
 * (its address until it has answered one), so that gateways that reach the same instances at different addresses
 * (through proxies, by other names) agree on which one owns a record, and send its reads where its writes go.
 */
final class RecordInstances implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(RecordInstances.class);

	private static final byte[] PING = new byte[0];

	private final Set<String> staticAddresses;

	private final String dnsName;

	private final int dnsPort;

	private final Function<String, RecordInstance> connect;

	private final Object lock = new Object();

	/** Copy-on-write under {@link #lock}: read without locking on every call. */
	private volatile Map<String, RecordInstance> known = Map.of();

	private final Disposable.Composite tasks = Disposables.composite();

	RecordInstances(Collection<String> staticAddresses, String dnsName, int dnsPort,
			Function<String, RecordInstance> connect) {
		this.staticAddresses = new LinkedHashSet<>(staticAddresses);
		this.dnsName = (dnsName != null && !dnsName.isBlank()) ? dnsName : null;
		this.dnsPort = dnsPort;
		this.connect = connect;
		if (this.staticAddresses.isEmpty() && this.dnsName == null) {
			throw new IllegalArgumentException("Remote records need record-service instances: set "
					+ "sluice.records.remote.instances (host:port, ...) or sluice.records.remote.dns-name");
		}
		this.staticAddresses.forEach(RecordInstance.HostAndPort::parse);
		update(this.staticAddresses);
	}

	/**
	 * Starts probing every instance each {@code probeInterval}, and resolving the DNS name (if any) now and each
	 * {@code dnsInterval}.
	 */
	void start(Duration probeInterval, Duration probeTimeout, Duration dnsInterval) {
		if (this.dnsName != null) {
			this.tasks.add(Flux.interval(Duration.ZERO, dnsInterval, Schedulers.boundedElastic())
				.onBackpressureDrop()
				.concatMap((tick) -> resolve(), 1)
				.subscribe());
		}
		// The first probe at once: it also tells each instance's id, by which names are ranked.
		this.tasks.add(Flux.interval(Duration.ZERO, probeInterval)
			.onBackpressureDrop()
			.concatMap((tick) -> probeAll(probeTimeout), 1)
			.subscribe());
	}

	/**
	 * The instances a call for {@code name} tries, in order: its owner among the live instances first. When none
	 * is live, all known ones, since a probe may not have noticed one come back yet.
	 */
	List<RecordInstance> ranked(String name) {
		Collection<RecordInstance> all = this.known.values();
		List<RecordInstance> live = new ArrayList<>(all.size());
		for (RecordInstance instance : all) {
			if (instance.isLive()) {
				live.add(instance);
			}
		}
		return Rendezvous.rank(name, live.isEmpty() ? all : live, RecordInstance::seed);
	}

	/** The live instance that owns {@code name}, or {@code null} when none is live. */
	RecordInstance owner(String name) {
		List<RecordInstance> live = this.known.values().stream().filter(RecordInstance::isLive).toList();
		return Rendezvous.owner(name, live, RecordInstance::seed);
	}

	Collection<RecordInstance> all() {
		return this.known.values();
	}

	/** Takes an instance out of the live set after a call to it failed with {@code failure}. */
	void down(RecordInstance instance, Throwable failure) {
		if (instance.live(false)) {
			logger.warn("Record-service instance {} is out of the live set; its records go to their next choice: {}",
					instance.address(), failure.getMessage());
		}
	}

	Mono<Void> probeAll(Duration timeout) {
		return Flux.fromIterable(this.known.values()).flatMap((instance) -> probe(instance, timeout)).then();
	}

	private Mono<Void> probe(RecordInstance instance, Duration timeout) {
		return instance.probe(RecordApi.PING, PING, timeout).doOnSuccess((answer) -> {
			if (instance.identified(answer) && answer.length > 0) {
				logger.info("Record-service instance {} is '{}'; records are ranked by that id", instance.address(),
						new String(answer, StandardCharsets.UTF_8));
			}
			if (instance.live(true)) {
				logger.info("Record-service instance {} answers again; it is back in the live set", instance.address());
			}
		}).onErrorResume((ex) -> {
			down(instance, ex);
			return Mono.empty();
		}).then();
	}

	/** Resolves the DNS name; the lookup blocks, so it runs on boundedElastic. */
	Mono<Void> resolve() {
		return Mono.fromCallable(() -> InetAddress.getAllByName(this.dnsName))
			.subscribeOn(Schedulers.boundedElastic())
			.doOnNext((addresses) -> {
				Set<String> found = new LinkedHashSet<>(this.staticAddresses);
				for (InetAddress address : addresses) {
					String host = (address instanceof Inet6Address) ? "[" + address.getHostAddress() + "]"
							: address.getHostAddress();
					found.add(host + ":" + this.dnsPort);
				}
				update(found);
			})
			.onErrorResume((ex) -> {
				// Fail open: keep the instances known so far rather than route nowhere.
				logger.warn("Could not resolve record-service DNS name '{}'{}: {}", this.dnsName,
						(ex instanceof UnknownHostException) ? " (no such name)" : "", ex.getMessage());
				return Mono.empty();
			})
			.then();
	}

	/** Makes {@code addresses} the known instances: new ones connected, gone ones closed. */
	void update(Set<String> addresses) {
		List<RecordInstance> gone = new ArrayList<>();
		synchronized (this.lock) {
			if (this.known.keySet().equals(addresses)) {
				return;
			}
			Map<String, RecordInstance> next = new LinkedHashMap<>();
			for (String address : addresses) {
				RecordInstance existing = this.known.get(address);
				next.put(address, (existing != null) ? existing : this.connect.apply(address));
			}
			for (Map.Entry<String, RecordInstance> entry : this.known.entrySet()) {
				if (!next.containsKey(entry.getKey())) {
					gone.add(entry.getValue());
				}
			}
			this.known = Map.copyOf(next);
		}
		gone.forEach(RecordInstance::close);
		logger.info("Record-service instances: {}", addresses);
	}

	@Override
	public void close() {
		this.tasks.dispose();
		synchronized (this.lock) {
			this.known.values().forEach(RecordInstance::close);
			this.known = Map.of();
		}
	}

}
