package io.sluice.gateway.http;

import java.util.function.Predicate;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Admits the requests of one HTTP API against the gateway's {@link InFlightLimit}, before anything else looks at them:
 * one over the limit is answered at once, 429 Too Many Requests with {@code Retry-After} and the API's own kind of
 * body, without reading its body. An admitted request counts until its answer is written, or it fails or is
 * cancelled (the client went away).
 * <p>An admitted request is worked on by the HTTP API's own threads, its body handed to them as it arrives: the
 * event loops only read and write the bytes. They also serve the WebSocket connections, and a loop that handled each
 * of a burst of requests itself would leave its WebSocket frames waiting until it had handled them all.
 */
public final class AdmissionFilter implements WebFilter, Ordered {

	private final InFlightLimit limit;

	private final Scheduler scheduler;

	private final Predicate<ServerHttpRequest> applies;

	private final String contentType;

	private final byte[] refusal;

	private final HttpHeaders extraHeaders;

	/**
	 * @param scheduler the threads admitted requests are worked on: bounded, as the limit bounds what waits for them
	 * @param applies which requests are this API's
	 * @param contentType the content type of the refusal
	 * @param refusal the body of the refusal
	 * @param extraHeaders headers every answer of this API carries
	 */
	public AdmissionFilter(InFlightLimit limit, Scheduler scheduler, Predicate<ServerHttpRequest> applies,
			String contentType, byte[] refusal, HttpHeaders extraHeaders) {
		this.limit = limit;
		this.scheduler = scheduler;
		this.applies = applies;
		this.contentType = contentType;
		this.refusal = refusal.clone();
		this.extraHeaders = HttpHeaders.readOnlyHttpHeaders(extraHeaders);
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		if (!this.applies.test(exchange.getRequest())) {
			return chain.filter(exchange);
		}
		return Mono.defer(() -> {
			if (!this.limit.tryAcquire()) {
				return refuse(exchange.getResponse());
			}
			ServerWebExchange offloaded = exchange.mutate().request(new OffloadedBody(exchange.getRequest())).build();
			return Mono.defer(() -> chain.filter(offloaded))
				.subscribeOn(this.scheduler)
				.doFinally((signal) -> this.limit.release());
		});
	}

	/** The request with its body's buffers signalled on the API's threads (Netty signals them on its event loop). */
	private final class OffloadedBody extends ServerHttpRequestDecorator {

		OffloadedBody(ServerHttpRequest request) {
			super(request);
		}

		@Override
		public Flux<DataBuffer> getBody() {
			return getDelegate().getBody().publishOn(AdmissionFilter.this.scheduler);
		}

	}

	private Mono<Void> refuse(ServerHttpResponse response) {
		response.setStatusCode(HttpStatus.TOO_MANY_REQUESTS);
		HttpHeaders headers = response.getHeaders();
		headers.addAll(this.extraHeaders);
		headers.set(HttpHeaders.CONTENT_TYPE, this.contentType);
		headers.set(HttpHeaders.RETRY_AFTER, InFlightLimit.retryAfter());
		return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(this.refusal)));
	}

	/** First, so that nothing is spent on a request that is refused. */
	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
