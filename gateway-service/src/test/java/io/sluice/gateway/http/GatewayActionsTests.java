package io.sluice.gateway.http;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.sluice.connector.VersionedRecord;
import io.sluice.connector.memory.MemoryConnectorAutoConfiguration;
import io.sluice.gateway.GatewayAutoConfiguration;
import io.sluice.gateway.event.EventHandler;
import io.sluice.gateway.permission.Permissions;
import io.sluice.gateway.presence.PresenceHandler;
import io.sluice.gateway.protocol.EventAction;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.RpcAction;
import io.sluice.gateway.protocol.Topic;
import io.sluice.gateway.rpc.RpcHandler;
import io.sluice.gateway.session.Outbox;
import io.sluice.record.write.RecordServiceAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/** The actions of HTTP callers, on the gateway's real record service, handlers and permission check. */
class GatewayActionsTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(MemoryConnectorAutoConfiguration.class, RecordServiceAutoConfiguration.class,
					GatewayAutoConfiguration.class));

	private final Caller alice = new Caller(new Permissions.Subject("alice", null), null);

	@Test
	void recordsAreWrittenReadAndDeletedAsAClientWouldAndSubscribersHearOfTheWrites() {
		this.runner.run((context) -> {
			GatewayActions actions = context.getBean(GatewayActions.class);

			assertThat(outcome(actions.read(this.alice, "http-actions/1"))).isEqualTo(new Outcome.Failed(
					Outcome.Kind.RECORD_NOT_FOUND, "Record 'http-actions/1' does not exist"));
			Outcome written = outcome(actions.write(this.alice, "http-actions/1", null, null, utf8("{\"a\":1}")));
			assertThat(written).isInstanceOfSatisfying(Outcome.Done.class,
					(done) -> assertThat(((VersionedRecord) done.value()).version()).isEqualTo(1));
			outcome(actions.write(this.alice, "http-actions/1", 2L, "b.c", utf8("true")));

			assertThat(outcome(actions.read(this.alice, "http-actions/1"))).isInstanceOfSatisfying(Outcome.Done.class,
					(done) -> assertThat(((VersionedRecord) done.value()).json()).isEqualTo("{\"a\":1,\"b\":{\"c\":true}}"));
			assertThat(outcome(actions.head(this.alice, "http-actions/1"))).isEqualTo(new Outcome.Done(2L));
			Outcome stale = outcome(actions.write(this.alice, "http-actions/1", 2L, null, utf8("{}")));
			assertThat(stale).isInstanceOfSatisfying(Outcome.Failed.class, (failed) -> {
				assertThat(failed.kind()).isEqualTo(Outcome.Kind.VERSION_EXISTS);
				assertThat(failed.current().version()).isEqualTo(2);
			});
			assertThat(outcome(actions.write(this.alice, "http-actions/1", 9L, null, utf8("{}"))))
				.extracting((failed) -> ((Outcome.Failed) failed).kind()).isEqualTo(Outcome.Kind.INVALID_VERSION);
			assertThat(outcome(actions.write(this.alice, "http-actions/1", null, null, utf8("[1,"))))
				.extracting((failed) -> ((Outcome.Failed) failed).kind()).isEqualTo(Outcome.Kind.INVALID_MESSAGE_DATA);

			assertThat(outcome(actions.delete(this.alice, "http-actions/1"))).isEqualTo(new Outcome.Done(null));
			assertThat(outcome(actions.delete(this.alice, "http-actions/1"))).as("deleted already")
				.isEqualTo(new Outcome.Done(null));
			assertThat(outcome(actions.head(this.alice, "http-actions/1")))
				.extracting((failed) -> ((Outcome.Failed) failed).kind()).isEqualTo(Outcome.Kind.RECORD_NOT_FOUND);
		});
	}

	@Test
	void anEventReachesEverySubscriber() {
		this.runner.run((context) -> {
			EventHandler events = context.getBean(EventHandler.class);
			Outbox subscriber = loggedIn("subscriber");
			handle(events.handle(subscriber.connection, Message.builder(Topic.EVENT, EventAction.SUBSCRIBE)
				.names(List.of("http-actions/news")).correlationId("s").build()));
			subscriber.take();

			assertThat(outcome(context.getBean(GatewayActions.class).emit(this.alice, "http-actions/news",
					utf8("{\"x\":1}")))).isEqualTo(new Outcome.Done(null));

			assertThat(subscriber.take()).containsExactly(Message.builder(Topic.EVENT, EventAction.EMIT)
				.name("http-actions/news").data("{\"x\":1}").build());
		});
	}

	@Test
	void anRpcIsAnsweredByAProviderOrSaysThereIsNone() {
		this.runner.run((context) -> {
			GatewayActions actions = context.getBean(GatewayActions.class);
			RpcHandler rpc = context.getBean(RpcHandler.class);

			assertThat(outcome(actions.make(this.alice, "http-actions/add", utf8("[1,2]"))))
				.extracting((failed) -> ((Outcome.Failed) failed).kind()).isEqualTo(Outcome.Kind.NO_RPC_PROVIDER);

			Outbox provider = loggedIn("provider");
			handle(rpc.handle(provider.connection, Message.builder(Topic.RPC, RpcAction.PROVIDE)
				.names(List.of("http-actions/add")).correlationId("p").build()));
			provider.take();
			Mono<Outcome> call = actions.make(this.alice, "http-actions/add", utf8("[1,2]")).cache();
			call.subscribe();
			Message request = provider.take().get(0);
			assertThat(request.action()).isEqualTo(RpcAction.REQUEST);
			handle(rpc.handle(provider.connection, Message.builder(Topic.RPC, RpcAction.ACCEPT)
				.name("http-actions/add").correlationId(request.correlationId()).build()));
			handle(rpc.handle(provider.connection, Message.builder(Topic.RPC, RpcAction.RESPONSE)
				.name("http-actions/add").correlationId(request.correlationId()).data("3").build()));

			assertThat(outcome(call)).isInstanceOfSatisfying(Outcome.Done.class,
					(done) -> assertThat(new String((byte[]) done.value(), StandardCharsets.UTF_8)).isEqualTo("3"));
		});
	}

	@Test
	void presenceListsWhoIsOnlineButTheCaller() {
		this.runner.run((context) -> {
			PresenceHandler presence = context.getBean(PresenceHandler.class);
			Outbox bob = loggedIn("bob");
			presence.onAuthenticated(bob.connection);
			Outbox aliceOnWebSocket = loggedIn("alice");
			presence.onAuthenticated(aliceOnWebSocket.connection);
			GatewayActions actions = context.getBean(GatewayActions.class);

			assertThat(outcome(actions.presence(this.alice, null))).isEqualTo(new Outcome.Done(List.of("bob")));
			assertThat(outcome(actions.presence(this.alice, List.of("bob", "carol"))))
				.isEqualTo(new Outcome.Done(Map.of("bob", true, "carol", false)));
		});
	}

	@Test
	void permissionRulesDecideAsForAClient(@TempDir Path directory) throws Exception {
		Path rules = Files.writeString(directory.resolve("permissions.yml"), """
				record:
				  "*": { create: true, write: true, read: true, delete: true, listen: true, notify: true }
				  "http-perm/$owner": { write: "user.id === $owner", create: "!!user.data && user.data.role === 'editor'" }
				  "http-perm/locked": { read: false }
				event: { "*": { publish: "data.ok === true" } }
				rpc: { "*": { request: false } }
				presence: { "*": { allow: "user.id !== 'alice'" } }
				""");
		this.runner.withPropertyValues("sluice.permission.type=config", "sluice.permission.file=" + rules)
			.run((context) -> {
				GatewayActions actions = context.getBean(GatewayActions.class);
				Caller editor = new Caller(Permissions.Subject.of("alice", utf8("{\"role\":\"editor\"}")), null);

				assertThat(kind(actions.write(this.alice, "http-perm/alice", null, null, utf8("{}"))))
					.as("create denied to a non-editor").isEqualTo(Outcome.Kind.MESSAGE_DENIED);
				assertThat(outcome(actions.write(editor, "http-perm/alice", null, null, utf8("{}"))))
					.isInstanceOf(Outcome.Done.class);
				assertThat(kind(actions.write(editor, "http-perm/bob", null, null, utf8("{}"))))
					.isEqualTo(Outcome.Kind.MESSAGE_DENIED);
				assertThat(kind(actions.read(this.alice, "http-perm/locked"))).isEqualTo(Outcome.Kind.MESSAGE_DENIED);
				assertThat(kind(actions.emit(this.alice, "x", utf8("{\"ok\":false}"))))
					.isEqualTo(Outcome.Kind.MESSAGE_DENIED);
				assertThat(outcome(actions.emit(this.alice, "x", utf8("{\"ok\":true}")))).isInstanceOf(Outcome.Done.class);
				assertThat(kind(actions.make(this.alice, "any", null))).isEqualTo(Outcome.Kind.MESSAGE_DENIED);
				assertThat(kind(actions.presence(this.alice, List.of("bob")))).isEqualTo(Outcome.Kind.MESSAGE_DENIED);
				assertThat(kind(actions.emit(this.alice, "x", utf8("{\"ok\":")))).as("data that is not JSON")
					.isEqualTo(Outcome.Kind.MESSAGE_PERMISSION_ERROR);
			});
	}

	private static Outcome.Kind kind(Mono<Outcome> action) {
		Outcome outcome = outcome(action);
		assertThat(outcome).isInstanceOf(Outcome.Failed.class);
		return ((Outcome.Failed) outcome).kind();
	}

	private static Outcome outcome(Mono<Outcome> action) {
		Outcome[] result = new Outcome[1];
		StepVerifier.create(action).consumeNextWith((outcome) -> result[0] = outcome).expectComplete().verify(TIMEOUT);
		return result[0];
	}

	private static Outbox loggedIn(String user) {
		Outbox outbox = new Outbox(user + "-connection");
		outbox.login(user, null);
		return outbox;
	}

	private static void handle(Mono<Void> work) {
		StepVerifier.create(work).expectComplete().verify(TIMEOUT);
	}

	private static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
