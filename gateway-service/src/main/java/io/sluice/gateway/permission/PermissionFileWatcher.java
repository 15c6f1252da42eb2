package io.sluice.gateway.permission;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

import org.springframework.context.SmartLifecycle;

/**
 * The rules of a permission file, kept current: loaded at start-up (a bad file stops it), then checked every
 * interval, following links, as a Kubernetes ConfigMap mount swaps them. A changed file that is valid replaces the
 * rules at once, for the next message; an invalid one is refused with the reason logged, and the rules in force
 * stay until the file is fixed.
 */
public final class PermissionFileWatcher implements Supplier<PermissionRules>, SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(PermissionFileWatcher.class);

	private final Path file;

	private final Duration interval;

	private volatile PermissionRules rules;

	/** What the file looked like when last read (whether or not it was valid), to notice a change. */
	private volatile Stamp stamp;

	private volatile Disposable watching;

	/** @throws InvalidPermissionsException if the file cannot be read or is not valid */
	public PermissionFileWatcher(Path file, Duration interval) {
		this.file = file;
		this.interval = interval;
		this.stamp = stamp();
		this.rules = PermissionFile.load(file);
		logger.info("Permissions: the rules of {} (checked for changes every {})", file, interval);
	}

	@Override
	public PermissionRules get() {
		return this.rules;
	}

	/** Reloads the file if it changed since it was last read; what a reload does, on the watcher's schedule. */
	void reloadIfChanged() {
		Stamp current = stamp();
		if (Objects.equals(current, this.stamp)) {
			return;
		}
		this.stamp = current;
		try {
			this.rules = PermissionFile.load(this.file);
			logger.info("Permissions reloaded from {}", this.file);
		}
		catch (InvalidPermissionsException ex) {
			logger.error("Permission file {} changed but was refused; the previous rules stay in force: {}", this.file,
					ex.getMessage());
		}
	}

	private Stamp stamp() {
		try {
			BasicFileAttributes attributes = Files.readAttributes(this.file, BasicFileAttributes.class);
			return new Stamp(attributes.lastModifiedTime().toMillis(), attributes.size(), this.file.toRealPath());
		}
		catch (IOException ex) {
			return null;
		}
	}

	@Override
	public void start() {
		// File I/O: on a thread that may block, never an event loop.
		this.watching = Flux.interval(this.interval, this.interval, Schedulers.boundedElastic())
			.subscribe((tick) -> reloadIfChanged(),
					(ex) -> logger.error("Watching permission file {} stopped", this.file, ex));
	}

	@Override
	public void stop() {
		Disposable watching = this.watching;
		if (watching != null) {
			watching.dispose();
			this.watching = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.watching != null;
	}

	private record Stamp(long modified, long size, Path target) {
	}

}
