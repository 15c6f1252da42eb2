package io.sluice.gateway.rpc;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import reactor.core.Disposable;

import io.sluice.gateway.metrics.GatewayCounters;
import io.sluice.gateway.metrics.GatewayCounters.RpcOutcome;
import io.sluice.gateway.protocol.JsonText;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.MessageCodec;
import io.sluice.gateway.protocol.RpcAction;
import io.sluice.gateway.protocol.Topic;

/**
 * One remote procedure call in flight, from its request until the requestor has its answer: which provider has
 * it now, which were tried, whether it was accepted, and its timer. Every transition holds the call's lock, as the
 * requestor, the provider and the timer act on it from different threads (the requestor's and the provider's event
 * loops are usually two, and the timer runs on the wheel's thread); uncontended, as it nearly always is, the lock
 * costs less than handing each answer over to one of those threads would. Once finished it ignores everything.
 *
 * <p>One timer at a time rather than one per timeout: it is armed for the earlier of the two deadlines, and one that
 * passes for an accepted call re-arms it for the rest of the response timeout. A call answered at once (the usual
 * case) so arms and cancels one timer, scheduled on the scheduler directly, without a {@code Mono} per timer.
 */
final class RpcCall {

	/** What the requestor is told when its provider goes away mid-call; deepstream would wait for a timeout. */
	static final String PROVIDER_GONE = "RPC provider disconnected before responding";

	private final Message request;

	private final RpcEndpoint requestor;

	private final boolean remoteAllowed;

	private final RpcRouter router;

	private final Consumer<RpcCall> onFinished;

	/** The providers tried before the current one: {@code null} until a provider rejects the call. */
	private List<RpcEndpoint> tried;

	private RpcEndpoint provider;

	/** Counts routings, so that the timer of an earlier provider that fires late does nothing. */
	private int attempt;

	private boolean accepted;

	private boolean finished;

	private Disposable timer;

	private final long startedAt = System.nanoTime();

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

	/**
	 * An answer from {@code from}: {@code ACCEPT}, {@code REJECT} (or a node's {@code NO_RPC_PROVIDER}),
	 * {@code RESPONSE} or {@code REQUEST_ERROR}. Checked and applied under one hold of the lock.
	 * @return {@code false}, changing nothing, if the call is over or {@code from} is not the provider that has it
	 */
	synchronized boolean fromProvider(RpcEndpoint from, Message answer) {
		if (this.finished || !from.equals(this.provider)) {
			return false;
		}
		switch (answer.action()) {
			case RpcAction.ACCEPT -> accepted();
			case RpcAction.REJECT, RpcAction.NO_RPC_PROVIDER -> routeToNextProvider();
			default -> {
				// RESPONSE or REQUEST_ERROR (or a node's timeout): it goes to the requestor and the call is over.
				this.requestor.send(reply(answer.action(), answer.data()));
				finish((answer.action() == RpcAction.RESPONSE) ? RpcOutcome.RESPONSE : RpcOutcome.ERROR);
			}
		}
		return true;
	}

	/** The provider went away mid-call; the requestor gets an error at once rather than after a timeout. */
	synchronized void providerGone(RpcEndpoint endpoint) {
		if (this.finished || !endpoint.equals(this.provider)) {
			return;
		}
		this.requestor.send(reply(RpcAction.REQUEST_ERROR, JsonText.quote(PROVIDER_GONE)));
		finish(RpcOutcome.PROVIDER_GONE);
	}

	/** The requestor went away: nobody is left to answer, so the call just ends. */
	synchronized void requestorGone() {
		if (!this.finished) {
			finish(RpcOutcome.REQUESTOR_GONE);
		}
	}

	private void accepted() {
		if (this.accepted) {
			this.provider.send(reply(RpcAction.MULTIPLE_ACCEPT, null));
			return;
		}
		// The timer stays armed: for the response deadline, or, if the accept deadline is earlier, it re-arms then.
		this.accepted = true;
		this.requestor.send(reply(RpcAction.ACCEPT, null));
	}

	private void routeToNextProvider() {
		cancelTimer();
		if (this.provider != null) {
			if (this.tried == null) {
				this.tried = new ArrayList<>(2);
			}
			this.tried.add(this.provider);
		}
		RpcEndpoint next = this.router.next(name(), this.tried, this.remoteAllowed);
		if (next == null) {
			this.provider = null;
			this.requestor.send(reply(RpcAction.NO_RPC_PROVIDER, null));
			finish(RpcOutcome.NO_PROVIDER);
			return;
		}
		this.provider = next;
		this.accepted = false;
		int current = ++this.attempt;
		long acceptNanos = this.router.acceptTimeout().toNanos();
		long responseNanos = this.router.responseTimeout().toNanos();
		if (acceptNanos <= responseNanos) {
			arm(new Deadline(current, true, responseNanos - acceptNanos), acceptNanos);
		}
		else {
			// The response deadline comes first: the call times out then, accepted or not.
			arm(new Deadline(current, false, 0), responseNanos);
		}
		next.send(this.request);
	}

	private void arm(Deadline deadline, long nanos) {
		// A timer, not a request path: it lives until it fires or the call cancels it.
		this.timer = this.router.scheduler().schedule(deadline, nanos, TimeUnit.NANOSECONDS);
	}

	private synchronized void timedOut(Deadline deadline) {
		if (this.finished || deadline.attempt != this.attempt) {
			return;
		}
		if (!this.accepted && deadline.acceptDeadline) {
			this.requestor.send(reply(RpcAction.ACCEPT_TIMEOUT, null));
			finish(RpcOutcome.ACCEPT_TIMEOUT);
		}
		else if (deadline.responseLeftNanos > 0) {
			// An accepted call past its accept deadline: what is left is the rest of the response timeout.
			arm(new Deadline(deadline.attempt, false, 0), deadline.responseLeftNanos);
		}
		else {
			this.requestor.send(reply(RpcAction.RESPONSE_TIMEOUT, null));
			finish(RpcOutcome.RESPONSE_TIMEOUT);
		}
	}

	private void finish(RpcOutcome outcome) {
		this.finished = true;
		GatewayCounters.rpcFinished(outcome, System.nanoTime() - this.startedAt);
		cancelTimer();
		this.onFinished.accept(this);
	}

	private void cancelTimer() {
		Disposable current = this.timer;
		this.timer = null;
		if (current != null) {
			current.dispose();
		}
	}

	/** An answer about this call, encoded at once without building a message: the same bytes as one built. */
	private byte[] reply(int action, byte[] data) {
		return MessageCodec.encodeNamed(Topic.RPC, action, name(), correlationId(), data);
	}

	@Override
	public String toString() {
		return "RpcCall[" + name() + " " + correlationId() + " from " + this.requestor + "]";
	}

	/**
	 * What the armed timer is for: which routing; whether a call not accepted by then has missed its accept deadline;
	 * and how much of the response timeout is left after it (none: the response deadline passes with it).
	 */
	private final class Deadline implements Runnable {

		private final int attempt;

		private final boolean acceptDeadline;

		private final long responseLeftNanos;

		Deadline(int attempt, boolean acceptDeadline, long responseLeftNanos) {
			this.attempt = attempt;
			this.acceptDeadline = acceptDeadline;
			this.responseLeftNanos = responseLeftNanos;
		}

		@Override
		public void run() {
			timedOut(this);
		}

	}

}
