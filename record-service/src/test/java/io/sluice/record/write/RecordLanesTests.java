package io.sluice.record.write;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

class RecordLanesTests {

	private final RecordLanes lanes = new RecordLanes();

	@Test
	void operationsOnOneRecordRunOneAtATimeInSubscriptionOrder() {
		List<String> log = new CopyOnWriteArrayList<>();
		Sinks.Empty<Void> gate = Sinks.empty();
		Mono<Integer> first = this.lanes.run("r", () -> {
			log.add("start 1");
			return gate.asMono().then(Mono.fromSupplier(() -> {
				log.add("end 1");
				return 1;
			}));
		});
		Mono<Integer> second = this.lanes.run("r", () -> {
			log.add("start 2");
			return Mono.just(2);
		});
		StepVerifier.create(Flux.merge(first, second))
			.then(() -> assertThat(log).containsExactly("start 1"))
			.then(gate::tryEmitEmpty)
			.expectNext(1, 2)
			.expectComplete()
			.verify(Duration.ofSeconds(5));
		assertThat(log).containsExactly("start 1", "end 1", "start 2");
		assertThat(this.lanes.activeLanes()).isZero();
	}

	@Test
	void otherRecordsDoNotWaitForABusyOne() {
		Sinks.Empty<Void> gate = Sinks.empty();
		Mono<String> blocked = this.lanes.run("busy", () -> gate.asMono().thenReturn("busy"));
		Mono<String> free = this.lanes.run("free", () -> Mono.just("free"));
		StepVerifier.create(Flux.merge(blocked, free))
			.expectNext("free")
			.then(gate::tryEmitEmpty)
			.expectNext("busy")
			.expectComplete()
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void aFailureOrAnEmptyResultDoesNotStallTheLane() {
		Mono<String> failing = this.lanes.run("r", () -> Mono.error(new IllegalStateException("boom")));
		Mono<String> empty = this.lanes.run("r", Mono::empty);
		Mono<String> throwing = this.lanes.run("r", () -> {
			throw new IllegalArgumentException("thrown");
		});
		Mono<String> last = this.lanes.run("r", () -> Mono.just("last"));
		StepVerifier.create(failing).expectErrorMessage("boom").verify(Duration.ofSeconds(5));
		StepVerifier.create(empty).expectComplete().verify(Duration.ofSeconds(5));
		StepVerifier.create(throwing).expectErrorMessage("thrown").verify(Duration.ofSeconds(5));
		StepVerifier.create(last).expectNext("last").expectComplete().verify(Duration.ofSeconds(5));
	}

	@Test
	void aLongQueueOfSynchronousWorkDoesNotGrowTheStack() {
		Sinks.Empty<Void> gate = Sinks.empty();
		Mono<Integer> head = this.lanes.run("deep", () -> gate.asMono().thenReturn(0));
		List<Mono<Integer>> queued = new java.util.ArrayList<>();
		queued.add(head);
		for (int i = 1; i <= 100_000; i++) {
			int value = i;
			queued.add(this.lanes.run("deep", () -> Mono.just(value)));
		}
		StepVerifier.create(Flux.mergeSequential(queued).count())
			.then(gate::tryEmitEmpty)
			.expectNext(100_001L)
			.expectComplete()
			.verify(Duration.ofSeconds(30));
	}

}
