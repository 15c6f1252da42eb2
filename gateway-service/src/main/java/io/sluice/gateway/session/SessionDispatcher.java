package io.sluice.gateway.session;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.sluice.gateway.auth.AuthResult;
import io.sluice.gateway.auth.Authenticator;
import io.sluice.gateway.auth.ConnectionData;
import io.sluice.gateway.auth.OpenAuthenticator;
import io.sluice.gateway.metrics.GatewayCounters;
import io.sluice.gateway.metrics.NameSampler;
import io.sluice.gateway.protocol.AuthAction;
import io.sluice.gateway.protocol.ConnectionAction;
import io.sluice.gateway.protocol.JsonText;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.Topic;

/**
 * The connection's life as deepstream defines it: the client sends a challenge and is accepted, then
 * authenticates, and only then may use the other topics, each served by its {@link TopicHandler} once
 * {@link MessageChecks} has passed the message. Pings are answered with pongs in every state, and a client that says
 * it is closing is told it is closed.
 */
final class SessionDispatcher {

	private static final Logger logger = LoggerFactory.getLogger(SessionDispatcher.class);

	/** Normal closure. */
	private static final int NORMAL = 1000;

	/** Policy violation: a client that broke the handshake or used up its logins. */
	private static final int POLICY = 1008;

	private final TopicHandler[] handlers = new TopicHandler[Topic.STATE_REGISTRY + 1];

	private final List<TopicHandler> allHandlers;

	private final Authenticator authenticator;

	private final GatewayProperties properties;

	private final MessageChecks checks;

	/** The permission check, or {@code null} when every authenticated client may do anything. */
	private final MessageGate gate;

	private final RefusedLogins refusedLogins;

	private final SessionExpiry expiry = new SessionExpiry(Clock.systemUTC());

	private final JsonMapper json = JsonMapper.builder().build();

	/** With open authentication and the default settings. */
	SessionDispatcher(List<TopicHandler> handlers) {
		this(handlers, new OpenAuthenticator(), GatewayProperties.defaults());
	}

	SessionDispatcher(List<TopicHandler> handlers, Authenticator authenticator, GatewayProperties properties) {
		this(handlers, authenticator, properties, null);
	}

	SessionDispatcher(List<TopicHandler> handlers, Authenticator authenticator, GatewayProperties properties,
			MessageGate gate) {
		this(handlers, authenticator, properties, gate, new RefusedLogins(0, System::nanoTime));
	}

	SessionDispatcher(List<TopicHandler> handlers, Authenticator authenticator, GatewayProperties properties,
			MessageGate gate, RefusedLogins refusedLogins) {
		this.gate = gate;
		this.refusedLogins = refusedLogins;
		this.allHandlers = List.copyOf(handlers);
		this.authenticator = authenticator;
		this.properties = properties;
		this.checks = new MessageChecks(properties);
		for (TopicHandler handler : handlers) {
			if (this.handlers[handler.topic()] != null) {
				throw new IllegalStateException("Two handlers for topic " + Topic.name(handler.topic()));
			}
			this.handlers[handler.topic()] = handler;
		}
	}

	/** Handles one message; never fails. */
	Mono<Void> dispatch(Connection connection, Message message) {
		GatewayCounters.messageIn(message.topic(), message.action());
		NameSampler.offer(message.topic(), message.name());
		if (message.topic() == Topic.CONNECTION) {
			onConnectionMessage(connection, message);
			return Mono.empty();
		}
		switch (connection.state()) {
			case AWAITING_CHALLENGE:
				connection.send(Message.builder(Topic.CONNECTION, ConnectionAction.INVALID_MESSAGE)
					.originalTopic(message.topic()).originalAction(message.action()).isError(true).build());
				return Mono.empty();
			case AWAITING_AUTH:
				return onAuthMessage(connection, message);
			case AUTHENTICATING:
				// The client sends nothing while it waits for the answer to its login; anything else is out of turn.
				connection.send(Message.builder(Topic.AUTH, AuthAction.INVALID_MESSAGE).originalTopic(message.topic())
					.originalAction(message.action()).isError(true)
					.data(JsonText.quote("A login is in progress")).build());
				return Mono.empty();
			default:
				return onOpenMessage(connection, message);
		}
	}

	void closed(Connection connection) {
		this.expiry.cancel(connection);
		for (TopicHandler handler : this.allHandlers) {
			try {
				handler.onClose(connection);
			}
			catch (RuntimeException ex) {
				logger.error("Cleaning up {} after it closed failed in {}", connection, handler, ex);
			}
		}
	}

	private void onConnectionMessage(Connection connection, Message message) {
		switch (message.action()) {
			case ConnectionAction.PING:
				connection.send(Message.builder(Topic.CONNECTION, ConnectionAction.PONG).build());
				break;
			case ConnectionAction.CHALLENGE:
				if (connection.state() != Connection.State.AWAITING_CHALLENGE) {
					logger.debug("Ignoring a second challenge from {}", connection);
					break;
				}
				logger.debug("Challenge from a {} {} client for {}", message.sdkType(), message.sdkVersion(),
						message.url());
				connection.challenged(message.url());
				connection.send(Message.builder(Topic.CONNECTION, ConnectionAction.ACCEPT).build());
				break;
			case ConnectionAction.CLOSING:
				connection.send(Message.builder(Topic.CONNECTION, ConnectionAction.CLOSED).build());
				connection.close(NORMAL, "Closed at the client's request");
				break;
			default:
				// PONG and anything else a client may send on this topic needs no answer.
				logger.debug("Ignoring {} from {}", message, connection);
		}
	}

	private Mono<Void> onAuthMessage(Connection connection, Message message) {
		if (message.topic() != Topic.AUTH) {
			connection.send(Message.builder(Topic.AUTH, AuthAction.INVALID_MESSAGE).originalTopic(message.topic())
				.originalAction(message.action()).isError(true).build());
			return Mono.empty();
		}
		JsonNode authData = (message.action() == AuthAction.REQUEST) ? jsonObject(message.data()) : null;
		if (authData == null) {
			// As deepstream: a login that is not a login ends the connection.
			connection.send(Message.builder(Topic.AUTH, AuthAction.INVALID_MESSAGE_DATA).isError(true)
				.data(JsonText.quote("Authentication needs an AUTH REQUEST whose data is a JSON object"))
				.build());
			connection.close(POLICY, "Invalid authentication message");
			return Mono.empty();
		}
		String address = connection.limitedAddress();
		if (!this.refusedLogins.allows(address)) {
			logger.debug("{} was refused without asking: too many refused logins from {}", connection, address);
			connection.send(Message.builder(Topic.AUTH, AuthAction.AUTH_UNSUCCESSFUL)
				.data(JsonText.quote("Too many refused logins from this address: try again later"))
				.build());
			connection.send(Message.builder(Topic.AUTH, AuthAction.TOO_MANY_AUTH_ATTEMPTS).build());
			connection.close(POLICY, "Too many refused logins from this address");
			return Mono.empty();
		}
		connection.authenticating();
		ConnectionData data = new ConnectionData(connection.remoteAddress(), connection.headers(), connection.url());
		return Mono.defer(() -> this.authenticator.authenticate(data, authData))
			.onErrorResume((ex) -> {
				// Fail closed: an authenticator that broke its promise not to fail refuses the login.
				logger.error("Authenticator {} failed for {}", this.authenticator, connection, ex);
				return Mono.just(AuthResult.refused("Authentication failed"));
			})
			.defaultIfEmpty(AuthResult.refused("Authentication failed"))
			.doOnNext((result) -> {
				if (!result.accepted()) {
					this.refusedLogins.refused(address);
				}
				answer(connection, result);
			})
			.then();
	}

	private void answer(Connection connection, AuthResult result) {
		if (!connection.isOpen()) {
			return;
		}
		GatewayCounters.login(this.authenticator, result.accepted());
		if (result.accepted()) {
			connection.authenticated(result.userId(), result.clientData(), result.serverData());
			for (TopicHandler handler : this.allHandlers) {
				handler.onAuthenticated(connection);
			}
			logger.debug("{} authenticated", connection);
			// No client data is sent as none: the client takes an absent one as null.
			connection.send(Message.builder(Topic.AUTH, AuthAction.AUTH_SUCCESSFUL).data(result.clientData()).build());
			if (result.expiresAt() != null) {
				this.expiry.schedule(connection, result.expiresAt());
			}
			return;
		}
		connection.send(Message.builder(Topic.AUTH, AuthAction.AUTH_UNSUCCESSFUL).data(result.clientData()).build());
		int refused = connection.refused();
		logger.debug("{} was refused ({} of {})", connection, refused, this.properties.maxAuthAttempts());
		if (refused >= this.properties.maxAuthAttempts()) {
			connection.send(Message.builder(Topic.AUTH, AuthAction.TOO_MANY_AUTH_ATTEMPTS).build());
			connection.close(POLICY, "Too many authentication attempts");
		}
	}

	private JsonNode jsonObject(byte[] data) {
		if (data == null) {
			return null;
		}
		try {
			JsonNode node = this.json.readTree(data);
			return (node != null && node.isObject()) ? node : null;
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	private Mono<Void> onOpenMessage(Connection connection, Message message) {
		TopicHandler handler = (message.topic() < this.handlers.length) ? this.handlers[message.topic()] : null;
		if (handler == null) {
			if (message.topic() != Topic.PARSER) {
				connection.send(Message.builder(message.topic(), 1).originalAction(message.action()).isError(true)
					.data(JsonText.quote("Topic " + Topic.name(message.topic()) + " is not supported by this server"))
					.build());
			}
			return Mono.empty();
		}
		Message refusal = this.checks.refusal(connection, message);
		if (refusal != null) {
			connection.send(refusal);
			return Mono.empty();
		}
		if (this.gate != null) {
			return admitted(connection, handler, message);
		}
		return handle(connection, handler, message);
	}

	/**
	 * Handles what the gate lets through: in this call when it decided at once, else once it has. While a decision of
	 * this connection's is made later, its next messages wait for it, in order ({@link AdmissionOrder}).
	 */
	private Mono<Void> admitted(Connection connection, TopicHandler handler, Message message) {
		AdmissionOrder order = connection.admissionOrder();
		if (order != null) {
			Mono<Void> waiting = order.behind(handler, message);
			if (waiting != null) {
				return waiting;
			}
		}
		return admit(connection, handler, message).work();
	}

	private AdmissionOrder.Admitted admit(Connection connection, TopicHandler handler, Message message) {
		Mono<Message> admitted = this.gate.admit(connection, message);
		if (admitted instanceof Callable<?> decided) {
			Message toHandle;
			try {
				toHandle = (Message) decided.call();
			}
			catch (Exception ex) {
				return new AdmissionOrder.Admitted(failed(connection, message, ex), false);
			}
			return new AdmissionOrder.Admitted((toHandle != null) ? handle(connection, handler, toHandle) : Mono.empty(),
					false);
		}
		AdmissionOrder order = connection.admissionOrder(AdmissionOrder::new);
		order.deciding();
		// Handed to its handler, and its work started (a write is sent on when its work is subscribed to), before the
		// messages behind it are admitted; the end of its work (a write's acknowledgement, say) is not waited for.
		Mono<Void> work = admitted.materialize().flatMap((signal) -> {
			Mono<Void> decided;
			if (signal.isOnNext()) {
				decided = handle(connection, handler, signal.get());
			}
			else if (signal.isOnError()) {
				decided = failed(connection, message, signal.getThrowable());
			}
			else {
				decided = Mono.empty();
			}
			Mono<Void> started = AdmissionOrder.startNow(decided);
			order.resume((next, nextMessage) -> admit(connection, next, nextMessage));
			return started;
		}).doOnCancel(order::drop);
		return new AdmissionOrder.Admitted(work, true);
	}

	private Mono<Void> handle(Connection connection, TopicHandler handler, Message message) {
		Mono<Void> work = handler.handle(connection, message);
		if (work == Mono.<Void>empty()) {
			// Handled at once, the usual case: nothing left that could fail.
			return work;
		}
		return work.onErrorResume((ex) -> failed(connection, message, ex));
	}

	private static Mono<Void> failed(Connection connection, Message message, Throwable ex) {
		logger.error("Handling {} from {} failed", message, connection, ex);
		connection.send(Message.builder(message.topic(), 1).originalAction(message.action()).name(message.name())
			.correlationId(message.correlationId()).isError(true).data(JsonText.quote("Internal error")).build());
		return Mono.empty();
	}

}
