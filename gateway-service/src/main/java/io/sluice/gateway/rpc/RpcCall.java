package io.sluice.gateway.rpc;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;

import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

import io.sluice.gateway.protocol.JsonText;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.RpcAction;
import io.sluice.gateway.protocol.Topic;

/**
 * One remote procedure call in flight, from its request until the requestor has its answer: which provider has
 * it now, which were tried, whether it was accepted, and its two timers. Every transition holds the call's lock,
 * as the requestor, the provider and the timers act on it from different threads. Once finished it ignores
 * everything.
 */
final class RpcCall {

	/** What the requestor is told when its provider goes away mid-call; deepstream would wait for a timeout. */
	static final String PROVIDER_GONE = "RPC provider disconnected before responding";

	private final Message request;

	private final RpcEndpoint requestor;

	private final boolean remoteAllowed;

	private final RpcRouter router;

	private final Consumer<RpcCall> onFinished;

	private final Set<RpcEndpoint> tried = new HashSet<>();

	private RpcEndpoint provider;

	/** Counts routings, so that a timer of an earlier provider that fires late does nothing. */
	private int attempt;

	private boolean accepted;

	private boolean finished;

	private Disposable acceptTimer;

	private Disposable responseTimer;

	/**
	 * @param request the requestor's REQUEST, forwarded to each provider as it is
	 * @param remoteAllowed whether other nodes may be tried: not for a call another node relayed here, which that
	 *     node reroutes itself
	 * @param onFinished told once, when the call is over
	 */
	RpcCall(Message request, RpcEndpoint requestor, boolean remoteAllowed, RpcRouter router,
			Consumer<RpcCall> onFinished) {
		this.request = request;
		this.requestor = requestor;
		this.remoteAllowed = remoteAllowed;
		this.router = router;
		this.onFinished = onFinished;
	}

	String name() {
		return this.request.name();
	}

	String correlationId() {
		return this.request.correlationId();
	}

	RpcEndpoint requestor() {
		return this.requestor;
	}

	/** Routes the request to its first provider, or tells the requestor there is none. */
	synchronized void start() {
		routeToNextProvider();
	}

	/** Whether answers from {@code endpoint} belong to this call: it is the provider that has it now. */
	synchronized boolean isProvider(RpcEndpoint endpoint) {
		return !this.finished && endpoint.equals(this.provider);
	}

	synchronized void accepted() {
		if (this.finished) {
			return;
		}
		if (this.accepted) {
			this.provider.send(reply(RpcAction.MULTIPLE_ACCEPT).build());
			return;
		}
		this.accepted = true;
		dispose(this.acceptTimer);
		this.requestor.send(reply(RpcAction.ACCEPT).build());
	}

	/** The provider rejected the request (or a node found no provider for it): try one that was not tried. */
	synchronized void rejected() {
		if (!this.finished) {
			routeToNextProvider();
		}
	}

	/** The provider answered with a RESPONSE or a REQUEST_ERROR: it goes to the requestor and the call is over. */
	synchronized void answered(Message answer) {
		if (this.finished) {
			return;
		}
		this.requestor.send(reply(answer.action()).data(answer.data()).build());
		finish();
	}

	/** The provider went away mid-call; the requestor gets an error at once rather than after a timeout. */
	synchronized void providerGone(RpcEndpoint endpoint) {
		if (this.finished || !endpoint.equals(this.provider)) {
			return;
		}
		this.requestor.send(reply(RpcAction.REQUEST_ERROR).data(JsonText.quote(PROVIDER_GONE)).build());
		finish();
	}

	/** The requestor went away: nobody is left to answer, so the call just ends. */
	synchronized void requestorGone() {
		if (!this.finished) {
			finish();
		}
	}

	private void routeToNextProvider() {
		disposeTimers();
		RpcEndpoint next = this.router.next(name(), this.tried, this.remoteAllowed);
		if (next == null) {
			this.requestor.send(reply(RpcAction.NO_RPC_PROVIDER).build());
			finish();
			return;
		}
		this.tried.add(next);
		this.provider = next;
		this.accepted = false;
		int current = ++this.attempt;
		this.acceptTimer = timer(this.router.acceptTimeout(), current, RpcAction.ACCEPT_TIMEOUT);
		this.responseTimer = timer(this.router.responseTimeout(), current, RpcAction.RESPONSE_TIMEOUT);
		next.send(this.request);
	}

	private Disposable timer(Duration timeout, int forAttempt, int action) {
		Scheduler scheduler = this.router.scheduler();
		// A timer, not a request path: it lives until it fires or the call disposes of it.
		return Mono.delay(timeout, scheduler).subscribe((tick) -> timedOut(forAttempt, action));
	}

	private synchronized void timedOut(int forAttempt, int action) {
		if (this.finished || forAttempt != this.attempt || (action == RpcAction.ACCEPT_TIMEOUT && this.accepted)) {
			return;
		}
		this.requestor.send(reply(action).build());
		finish();
	}

	private void finish() {
		this.finished = true;
		disposeTimers();
		this.onFinished.accept(this);
	}

	private void disposeTimers() {
		dispose(this.acceptTimer);
		dispose(this.responseTimer);
	}

	private static void dispose(Disposable timer) {
		if (timer != null) {
			timer.dispose();
		}
	}

	private Message.Builder reply(int action) {
		return Message.builder(Topic.RPC, action).name(name()).correlationId(correlationId());
	}

	@Override
	public String toString() {
		return "RpcCall[" + name() + " " + correlationId() + " from " + this.requestor + "]";
	}

}
