package io.sluice.record.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

import io.sluice.record.RecordService;

/**
 * The internal records API over gRPC: started with the application context, and on stop given
 * {@link RecordApiProperties#shutdownGrace()} to finish the calls in progress (new ones are refused, so callers
 * move to the next instance) before the record service's connectors close.
 */
public final class RecordApiServer implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(RecordApiServer.class);

	private final RecordService records;

	private final RecordApiProperties properties;

	private volatile Server server;

	private final SslContext tls;

	/** The id probes are answered with, or {@code null}: gateways then rank this instance by its address. */
	private final String instanceId;

	/** @param tls the TLS to serve, or {@code null} for plaintext */
	public RecordApiServer(RecordService records, RecordApiProperties properties, SslContext tls) {
		this.records = records;
		this.properties = properties;
		this.tls = tls;
		this.instanceId = properties.instanceId();
	}

	@Override
	public synchronized void start() {
		if (this.server != null) {
			return;
		}
		try {
			// directExecutor: the handlers only decode and subscribe, so they run on the event loop.
			NettyServerBuilder builder = NettyServerBuilder
				.forAddress(new InetSocketAddress(this.properties.host(), this.properties.port()))
				.addService(new RecordApiService(this.records, this.instanceId).definition())
				.maxInboundMessageSize((int) this.properties.maxMessageSize().toBytes())
				.directExecutor();
			if (this.tls != null) {
				builder.sslContext(this.tls);
			}
			this.server = builder.build().start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not listen for the records API on " + this.properties.host() + ":"
					+ this.properties.port() + ": " + ex.getMessage(), ex);
		}
		if (this.tls != null) {
			logger.info("Records API listening on {}:{} over TLS (SSL bundle '{}', client certificates: {})",
					this.properties.host(), port(), this.properties.ssl().bundle(),
					this.properties.ssl().clientAuth().name().toLowerCase(Locale.ROOT));
		}
		else {
			logger.info("Records API listening on {}:{} in plaintext (sluice.records.api.ssl.bundle for TLS)",
					this.properties.host(), port());
		}
		if (this.instanceId != null) {
			logger.info("Records API instance id '{}': gateways rank this instance by it", this.instanceId);
		}
	}

	@Override
	public synchronized void stop() {
		Server running = this.server;
		if (running == null) {
			return;
		}
		this.server = null;
		running.shutdown();
		try {
			if (!running.awaitTermination(this.properties.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS)) {
				logger.warn("Records API calls still running after {}; closing them",
						this.properties.shutdownGrace());
				running.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			running.shutdownNow();
			Thread.currentThread().interrupt();
		}
		logger.info("Records API stopped");
	}

	@Override
	public boolean isRunning() {
		return this.server != null;
	}

	/** The port listened on (the one picked when configured as 0), or -1 when not running. */
	public int port() {
		Server running = this.server;
		return (running != null) ? running.getPort() : -1;
	}

}
