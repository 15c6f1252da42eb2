package io.sluice.connector;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Collectors;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.core.env.PropertyResolver;

/**
 * Which adapter serves each port, and this node's name: {@code sluice.cache.type}, {@code sluice.storage.type},
 * {@code sluice.queue.type}, {@code sluice.bus.type}, {@code sluice.history.type} and {@code sluice.node-id}.
 *
 * <p>A value that names no adapter stops start-up before anything else happens ({@link #check}), naming the
 * property and the values it takes, so a typo never leaves a port quietly unserved. The starters' conditions read
 * the same names ({@link Port#property()}) and compare them as {@link #check} does: exactly, ignoring case.
 *
 * @param cache the record cache
 * @param storage the record store
 * @param queue the storage queue between the record service and the store
 * @param bus the message bus between nodes
 * @param history the stream history of events
 * @param nodeId this node's name on the message bus, unique among the nodes sharing one; a random one when not set
 */
@ConfigurationProperties(ConnectorChoice.PREFIX)
public record ConnectorChoice(@DefaultValue Cache cache, @DefaultValue Storage storage, @DefaultValue Queue queue,
		@DefaultValue Bus bus, @DefaultValue History history, String nodeId) {

	static final String PREFIX = "sluice";

	public static final String CACHE_TYPE = "sluice.cache.type";

	public static final String STORAGE_TYPE = "sluice.storage.type";

	public static final String QUEUE_TYPE = "sluice.queue.type";

	public static final String BUS_TYPE = "sluice.bus.type";

	public static final String HISTORY_TYPE = "sluice.history.type";

	public static final String NODE_ID = "sluice.node-id";

	static final String MEMORY_STARTER = "io.sluice:sluice-memory-starter";

	public ConnectorChoice {
		cache = (cache != null) ? cache : new Cache(CacheType.MEMORY);
		storage = (storage != null) ? storage : new Storage(StorageType.MEMORY);
		queue = (queue != null) ? queue : new Queue(QueueType.NONE);
		bus = (bus != null) ? bus : new Bus(BusType.MEMORY);
		history = (history != null) ? history : new History(HistoryType.MEMORY);
		// One name for the whole node: every reader of this bean sees the same one.
		nodeId = (nodeId == null || nodeId.isBlank()) ? UUID.randomUUID().toString().substring(0, 8) : nodeId.trim();
	}

	/**
	 * Reads the choice from {@code environment}, refusing a value that names no adapter.
	 * @throws UnknownConnectorException naming the first such property, its value and the values it takes
	 */
	public static ConnectorChoice check(PropertyResolver environment) {
		return new ConnectorChoice(new Cache(Port.CACHE.chosen(environment, CacheType.class)),
				new Storage(Port.STORAGE.chosen(environment, StorageType.class)),
				new Queue(Port.QUEUE.chosen(environment, QueueType.class)),
				new Bus(Port.BUS.chosen(environment, BusType.class)),
				new History(Port.HISTORY.chosen(environment, HistoryType.class)), environment.getProperty(NODE_ID));
	}

	/**
	 * The properties that chose {@code value} for a port, such as {@code sluice.bus.type=redis}, as the starters'
	 * conditions see them.
	 */
	public static List<String> choosingProperties(PropertyResolver environment, String value) {
		List<String> chosenBy = new ArrayList<>();
		for (Port port : Port.values()) {
			if (value.equalsIgnoreCase(environment.getProperty(port.property()))) {
				chosenBy.add(port.property() + "=" + value);
			}
		}
		return chosenBy;
	}

	/** What each port's choice names, port by port. */
	public List<Option> options() {
		return List.of(this.cache.type(), this.storage.type(), this.queue.type(), this.bus.type(),
				this.history.type());
	}

	/** @param type the record cache: {@code memory} (this process only) or {@code redis} */
	public record Cache(@DefaultValue("memory") CacheType type) {
	}

	/**
	 * @param type the record store: {@code memory} (not durable), {@code sql} (PostgreSQL, or an H2 file) or
	 *     {@code mongodb}
	 */
	public record Storage(@DefaultValue("memory") StorageType type) {
	}

	/**
	 * @param type the storage queue: {@code none} (the record service writes to the store itself), {@code memory}
	 *     (not durable), {@code file} (a journal in {@code sluice.queue.file.directory}) or {@code kafka}
	 */
	public record Queue(@DefaultValue("none") QueueType type) {
	}

	/**
	 * @param type the message bus: {@code memory} (this process only), {@code redis} (pub/sub) or {@code kafka}
	 */
	public record Bus(@DefaultValue("memory") BusType type) {
	}

	/**
	 * @param type the stream history: {@code memory}, {@code redis} (Streams), {@code sql} or {@code mongodb}
	 */
	public record History(@DefaultValue("memory") HistoryType type) {
	}

	/** A value of a {@code sluice.<port>.type}: its name and the starter whose adapter it chooses. */
	public interface Option {

		/** The value as written, such as {@code redis}. */
		default String value() {
			return ((Enum<?>) this).name().toLowerCase(Locale.ROOT);
		}

		/**
		 * The Maven coordinates of the starter that provides it: the memory starter's for {@code memory}, each
		 * technology's own ({@code io.sluice:sluice-redis-starter}, the file starter for {@code file}) otherwise;
		 * {@code null} for
		 * {@code none}, a choice of nothing.
		 */
		default String starter() {
			return switch (value()) {
				case "none" -> null;
				case "memory" -> MEMORY_STARTER;
				default -> "io.sluice:sluice-" + value() + "-starter";
			};
		}

	}

	public enum CacheType implements Option {

		MEMORY, REDIS

	}

	public enum StorageType implements Option {

		MEMORY, SQL, MONGODB

	}

	public enum QueueType implements Option {

		NONE, MEMORY, FILE, KAFKA

	}

	public enum BusType implements Option {

		MEMORY, REDIS, KAFKA

	}

	public enum HistoryType implements Option {

		MEMORY, REDIS, SQL, MONGODB

	}

	/** A port whose adapter a property chooses. */
	public enum Port {

		CACHE(CACHE_TYPE, RecordCache.class, "record cache", CacheType.values(), CacheType.MEMORY),
		STORAGE(STORAGE_TYPE, RecordStore.class, "record store", StorageType.values(), StorageType.MEMORY),
		QUEUE(QUEUE_TYPE, StorageQueue.class, "storage queue", QueueType.values(), QueueType.NONE),
		BUS(BUS_TYPE, MessageBus.class, "message bus", BusType.values(), BusType.MEMORY),
		HISTORY(HISTORY_TYPE, StreamHistory.class, "stream history", HistoryType.values(), HistoryType.MEMORY);

		private final String property;

		private final Class<?> type;

		private final String description;

		private final List<Option> options;

		private final Option fallback;

		Port(String property, Class<?> type, String description, Option[] options, Option fallback) {
			this.property = property;
			this.type = type;
			this.description = description;
			this.options = List.of(options);
			this.fallback = fallback;
		}

		/** The property that chooses this port's adapter, such as {@code sluice.cache.type}. */
		public String property() {
			return this.property;
		}

		/** The port's interface, such as {@link RecordCache}. */
		public Class<?> type() {
			return this.type;
		}

		/** What the port is, in words: {@code record cache}. */
		public String description() {
			return this.description;
		}

		/** Every value {@link #property()} takes. */
		public List<Option> options() {
			return this.options;
		}

		/** The value when {@link #property()} is not set. */
		public Option fallback() {
			return this.fallback;
		}

		/** The port whose interface is {@code type}, or {@code null}. */
		public static Port of(Class<?> type) {
			for (Port port : values()) {
				if (port.type.equals(type)) {
					return port;
				}
			}
			return null;
		}

		/** The values this port takes, with the starter of each: {@code memory (io.sluice:...), redis (...)}. */
		public String describeOptions() {
			return this.options.stream()
				.map((option) -> (option.starter() != null) ? option.value() + " (" + option.starter() + ")"
						: option.value() + " (no " + this.description + ")")
				.collect(Collectors.joining(", "));
		}

		/** The option named by {@code value}, compared as {@code @ConditionalOnProperty} does; else {@code null}. */
		public Option option(String value) {
			for (Option option : this.options) {
				if (option.value().equalsIgnoreCase(value)) {
					return option;
				}
			}
			return null;
		}

		private <T extends Option> T chosen(PropertyResolver environment, Class<T> kind) {
			String value = environment.getProperty(this.property);
			Option option = (value != null) ? option(value) : this.fallback;
			if (option == null) {
				throw new UnknownConnectorException(this, value);
			}
			return kind.cast(option);
		}

	}

}
