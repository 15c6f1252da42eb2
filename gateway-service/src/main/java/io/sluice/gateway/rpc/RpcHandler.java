package io.sluice.gateway.rpc;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

import io.sluice.gateway.cluster.ClusterMembership;
import io.sluice.gateway.protocol.JsonText;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.MessageCodec;
import io.sluice.gateway.protocol.RpcAction;
import io.sluice.gateway.protocol.Topic;
import io.sluice.gateway.session.Connection;
import io.sluice.gateway.session.TopicHandler;

/**
 * The RPC topic. Connections provide procedures by name; a request goes to a random provider, this node's first,
 * then another node's; a provider that rejects it has it rerouted to one not tried yet, and the requestor gets
 * {@code NO_RPC_PROVIDER} once none is left. The provider must accept within the accept timeout and respond
 * within the response timeout, or the requestor gets {@code ACCEPT_TIMEOUT} or {@code RESPONSE_TIMEOUT}.
 *
 * <p>Calls are known by the requestor's correlation id, as in deepstream; answers are taken only from the provider
 * that has the call, so another connection cannot answer it.
 */
public final class RpcHandler implements TopicHandler {

	private static final Logger logger = LoggerFactory.getLogger(RpcHandler.class);

	private final LocalProviders providers;

	private final RpcNodes nodes;

	private final RpcRouter router;

	private final ConcurrentHashMap<String, RpcCall> calls = new ConcurrentHashMap<>();

	private final RpcRelay relay;

	private final boolean provideRequestorName;

	private final boolean provideRequestorData;

	/** The procedures the server answers itself, by name. */
	private final Map<String, BuiltInProcedure> builtIns;

	/** Forgets a call that is over: one function for all of them, not one per call. */
	private final Consumer<RpcCall> forget = (finished) -> this.calls.remove(finished.correlationId(), finished);

	/**
	 * A handler that reaches the other gateway nodes that {@code membership} knows, over its bus; the calls'
	 * timeouts run on the shared {@link TimeoutWheel}.
	 */
	public RpcHandler(ClusterMembership membership, RpcProperties properties) {
		this(membership, properties, List.of());
	}

	/** A handler that answers {@code builtIns} itself and routes every other request as the one above does. */
	public RpcHandler(ClusterMembership membership, RpcProperties properties, List<BuiltInProcedure> builtIns) {
		this(new LocalProviders(), new RpcRelay(membership), properties, TimeoutWheel.SHARED, builtIns);
	}

	RpcHandler(LocalProviders providers, RpcNodes nodes, RpcProperties properties, Scheduler scheduler) {
		this(providers, nodes, properties, scheduler, List.of());
	}

	RpcHandler(LocalProviders providers, RpcNodes nodes, RpcProperties properties, Scheduler scheduler,
			List<BuiltInProcedure> builtIns) {
		this.builtIns = builtIns.stream().collect(Collectors.toUnmodifiableMap(BuiltInProcedure::name,
				Function.identity()));
		this.providers = providers;
		this.nodes = nodes;
		this.router = new RpcRouter(providers, nodes, properties, scheduler);
		this.provideRequestorName = properties.provideRequestorName();
		this.provideRequestorData = properties.provideRequestorData();
		this.relay = (nodes instanceof RpcRelay relay) ? relay : null;
		if (this.relay != null) {
			this.relay.attach(this, providers);
		}
	}

	/**
	 * The procedures provided, for a page to show: each name with how many connections of this node provide it, and
	 * which other nodes provide it (as far as this node knows), sorted by name.
	 */
	public List<Provided> provided() {
		TreeMap<String, Provided> byName = new TreeMap<>();
		for (String name : this.providers.names()) {
			byName.put(name, new Provided(name, this.providers.providers(name).size(), List.of()));
		}
		if (this.relay != null) {
			this.relay.providedElsewhere().forEach((node, names) -> names.forEach((name) -> {
				Provided known = byName.getOrDefault(name, new Provided(name, 0, List.of()));
				List<String> nodes = new ArrayList<>(known.nodes());
				nodes.add(node);
				nodes.sort(null);
				byName.put(name, new Provided(name, known.here(), List.copyOf(nodes)));
			}));
		}
		return List.copyOf(byName.values());
	}

	/** What connects this handler to the other nodes; it must be started for them to be reached. */
	public RpcRelay relay() {
		return this.relay;
	}

	@Override
	public int topic() {
		return Topic.RPC;
	}

	@Override
	public Mono<Void> handle(Connection connection, Message message) {
		switch (message.action()) {
			case RpcAction.PROVIDE -> provide(connection, message);
			case RpcAction.UNPROVIDE -> unprovide(connection, message);
			case RpcAction.REQUEST -> {
				BuiltInProcedure builtIn = (message.name() != null) ? this.builtIns.get(message.name()) : null;
				if (builtIn != null) {
					return answer(connection, message, builtIn);
				}
				request(new RpcEndpoint.Local(connection), withRequestor(connection, message), true);
			}
			case RpcAction.ACCEPT, RpcAction.REJECT, RpcAction.RESPONSE, RpcAction.REQUEST_ERROR ->
				fromProvider(new RpcEndpoint.Local(connection), message);
			default -> connection.send(Message.builder(Topic.RPC, RpcAction.ERROR).name(message.name())
				.correlationId(message.correlationId()).originalAction(message.action()).isError(true)
				.data(JsonText.quote("RPC action " + Topic.actionName(Topic.RPC, message.action())
						+ " is not supported by this server"))
				.build());
		}
		return Mono.empty();
	}

	@Override
	public void onClose(Connection connection) {
		List<String> gone = this.providers.removeAll(connection);
		if (!gone.isEmpty()) {
			this.nodes.unprovided(gone);
		}
		endpointGone(new RpcEndpoint.Local(connection));
	}

	/**
	 * A request that reached this node, from one of its connections or relayed by another node. A relayed one is
	 * routed to this node's providers only: the node it came from reroutes it elsewhere.
	 */
	void request(RpcEndpoint requestor, Message message, boolean remoteAllowed) {
		if (message.name() == null || message.name().isEmpty() || message.correlationId() == null) {
			requestor.send(Message.builder(Topic.RPC, RpcAction.INVALID_MESSAGE_DATA).name(message.name())
				.correlationId(message.correlationId()).originalAction(RpcAction.REQUEST).isError(true)
				.data(JsonText.quote("An RPC request needs a name and a correlation id")).build());
			return;
		}
		RpcCall call = new RpcCall(message, requestor, remoteAllowed, this.router, this.forget);
		RpcCall existing = this.calls.putIfAbsent(message.correlationId(), call);
		if (existing != null) {
			// REQUEST_ERROR rather than INVALID_RPC_CORRELATION_ID: the client ends the call only on the former.
			requestor.send(Message.builder(Topic.RPC, RpcAction.REQUEST_ERROR).name(message.name())
				.correlationId(message.correlationId())
				.data(JsonText.quote("Another call with this correlation id is in progress")).build());
			return;
		}
		call.start();
	}

	/**
	 * Makes a call for a caller that is not a connection (the HTTP API), as a client's {@code rpc.make} does: routed
	 * to a provider on any node, under the same timeouts.
	 * @param requestorName the caller's user id, passed to the provider when {@code provide-requestor-name} is on
	 * @param requestorData the caller's client data, passed on when {@code provide-requestor-data} is on
	 * @param data the request's data as JSON, or {@code null}
	 * @return the answer that ends the call: RESPONSE (with the provider's data), REQUEST_ERROR, NO_RPC_PROVIDER,
	 *     ACCEPT_TIMEOUT or RESPONSE_TIMEOUT; cancelling it ends the call
	 */
	public Mono<Message> call(String requestorName, byte[] requestorData, String name, byte[] data) {
		return Mono.create((sink) -> {
			RpcEndpoint.Callback requestor = new RpcEndpoint.Callback(sink::success);
			sink.onCancel(() -> endpointGone(requestor));
			Message request = Message.builder(Topic.RPC, RpcAction.REQUEST).name(name)
				.correlationId("http-" + UUID.randomUUID()).data(data)
				.requestorName(this.provideRequestorName ? requestorName : null)
				.requestorData(this.provideRequestorData ? requestorData : null)
				.build();
			request(requestor, request, true);
		});
	}

	/**
	 * A request for a procedure the server answers itself: accepted at once, then answered with its data or, should
	 * it fail, with the reason as REQUEST_ERROR, which ends the call in the client. The answer is waited for, so that
	 * the connection's next messages come after it, as a provider's answer comes after the request.
	 */
	private Mono<Void> answer(Connection connection, Message request, BuiltInProcedure builtIn) {
		if (request.correlationId() == null) {
			request(new RpcEndpoint.Local(connection), request, false);
			return Mono.empty();
		}
		connection.send(MessageCodec.encodeNamed(Topic.RPC, RpcAction.ACCEPT, request.name(),
				request.correlationId(), null));
		return Mono.defer(() -> builtIn.call(connection, request.data()))
			.map((data) -> MessageCodec.encodeNamed(Topic.RPC, RpcAction.RESPONSE, request.name(),
					request.correlationId(), data))
			.onErrorResume((ex) -> {
				logger.debug("{} answered {} with an error: {}", request.name(), request.correlationId(),
						ex.getMessage());
				return Mono.just(MessageCodec.encodeNamed(Topic.RPC, RpcAction.REQUEST_ERROR, request.name(),
						request.correlationId(), JsonText.quote(String.valueOf(ex.getMessage()))));
			})
			.doOnNext(connection::send)
			.then();
	}

	/** An answer from a provider: this node's connection, or another node relaying its provider's. */
	void fromProvider(RpcEndpoint provider, Message message) {
		RpcCall call = (message.correlationId() != null) ? this.calls.get(message.correlationId()) : null;
		if (call == null || !call.fromProvider(provider, message)) {
			logger.debug("{} from {} is for no call it has", message, provider);
			if (provider instanceof RpcEndpoint.Local) {
				provider.send(Message.builder(Topic.RPC, RpcAction.INVALID_RPC_CORRELATION_ID).name(message.name())
					.correlationId(message.correlationId()).originalAction(message.action()).isError(true).build());
			}
		}
	}

	/** A connection closed, or a node left: every call it requested ends and every call it provided fails. */
	void endpointGone(RpcEndpoint endpoint) {
		// The calls in flight are few and short-lived: scanning them beats indexing every call by both its ends.
		// A concurrent map's iteration tolerates the calls that finish, and so leave it, meanwhile.
		for (RpcCall call : this.calls.values()) {
			if (call.requestor().equals(endpoint)) {
				call.requestorGone();
			}
			else {
				call.providerGone(endpoint);
			}
		}
	}

	/** How many calls are in flight, for tests and metrics. */
	int callsInFlight() {
		return this.calls.size();
	}

	private void provide(Connection connection, Message message) {
		List<String> first = new ArrayList<>();
		for (String name : names(message)) {
			if (this.builtIns.containsKey(name)) {
				// The server answers it: the client's provider would never be asked, so it is told at once.
				connection.send(Message.builder(Topic.RPC, RpcAction.MULTIPLE_PROVIDERS).name(name)
					.originalAction(RpcAction.PROVIDE).build());
				continue;
			}
			LocalProviders.Change change = this.providers.add(name, connection);
			if (change == LocalProviders.Change.NONE) {
				connection.send(Message.builder(Topic.RPC, RpcAction.MULTIPLE_PROVIDERS).name(name)
					.originalAction(RpcAction.PROVIDE).build());
			}
			else if (change == LocalProviders.Change.FIRST) {
				first.add(name);
			}
		}
		if (!first.isEmpty()) {
			this.nodes.provided(first);
		}
		connection.send(ack(message));
		if (!connection.isOpen()) {
			// It closed meanwhile, perhaps before onClose could find these: forget them again.
			onClose(connection);
		}
	}

	private void unprovide(Connection connection, Message message) {
		List<String> last = new ArrayList<>();
		for (String name : names(message)) {
			LocalProviders.Change change = this.providers.remove(name, connection);
			if (change == LocalProviders.Change.NONE) {
				connection.send(Message.builder(Topic.RPC, RpcAction.NOT_PROVIDED).name(name)
					.originalAction(RpcAction.UNPROVIDE).build());
			}
			else if (change == LocalProviders.Change.LAST) {
				last.add(name);
			}
		}
		if (!last.isEmpty()) {
			this.nodes.unprovided(last);
		}
		connection.send(ack(message));
	}

	/**
	 * The request as providers get it: with its requestor's name and client data as configured, never with what the
	 * client claims (deepstream passes a client's own fields on when the options are off; here they are dropped).
	 */
	private Message withRequestor(Connection connection, Message request) {
		String name = this.provideRequestorName ? connection.userId() : null;
		byte[] data = this.provideRequestorData ? connection.clientData() : null;
		if (Objects.equals(name, request.requestorName()) && data == null && request.requestorData() == null) {
			return request;
		}
		return request.toBuilder().requestorName(name).requestorData(data).build();
	}

	/** One acknowledgement per bulk request, whatever became of its names, as deepstream sends. */
	private static Message ack(Message request) {
		return Message.builder(Topic.RPC, request.action()).correlationId(request.correlationId()).isAck(true).build();
	}

	private static List<String> names(Message message) {
		if (!message.names().isEmpty()) {
			return message.names();
		}
		return (message.name() != null) ? List.of(message.name()) : List.of();
	}

	/**
	 * A procedure and who provides it.
	 * @param name the procedure's name
	 * @param here how many connections of this node provide it
	 * @param nodes the other nodes that provide it
	 */
	public record Provided(String name, int here, List<String> nodes) {

	}

}
