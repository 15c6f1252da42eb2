package io.sluice.server;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The services know the connector ports only; technologies arrive through starters at run time. Within a service the
 * packages depend one way: in the gateway transport, then session, then pub/sub, then the topics; in the record
 * service the API, then the change feed, then the write path.
 */
class ArchitectureTests {

	private static final JavaClasses SLUICE = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("io.sluice");

	@Test
	void servicesDependOnConnectorPortsNotOnAdapters() {
		noClasses().that()
			.resideInAnyPackage("io.sluice.gateway..", "io.sluice.record..", "io.sluice.storage..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.sluice.connector.*..")
			.because("services see connectors only through io.sluice.connector's ports")
			.check(SLUICE);
	}

	@Test
	void connectorsDoNotDependOnServices() {
		noClasses().that()
			.resideInAPackage("io.sluice.connector..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.sluice.gateway..", "io.sluice.record..", "io.sluice.storage..",
					"io.sluice.server..")
			.check(SLUICE);
	}

	@Test
	void packagesAreFreeOfCycles() {
		slices().matching("io.sluice.(**)").should().beFreeOfCycles().check(SLUICE);
	}

	@Test
	void gatewayTransportKnowsNothingOfTheSession() {
		noClasses().that()
			.resideInAPackage("io.sluice.gateway.transport..")
			.should()
			.dependOnClassesThat(resideInAPackage("io.sluice.gateway..")
				.and(not(resideInAPackage("io.sluice.gateway.transport.."))))
			.because("the transport moves bytes; the deepstream session is built on it")
			.check(SLUICE);
	}

	@Test
	void gatewaySessionKnowsNoTopic() {
		noClasses().that()
			.resideInAPackage("io.sluice.gateway.session..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.sluice.gateway.pubsub..", "io.sluice.gateway.listen..", "io.sluice.gateway.event..",
					"io.sluice.gateway.record..", "io.sluice.gateway.presence..", "io.sluice.gateway.rpc..",
					"io.sluice.gateway.permission..", "io.sluice.gateway.http..")
			.because("the session dispatches to topic handlers through TopicHandler and MessageGate only")
			.check(SLUICE);
	}

	@Test
	void gatewayPubSubKnowsNoTopic() {
		noClasses().that()
			.resideInAPackage("io.sluice.gateway.pubsub..")
			.should()
			.dependOnClassesThat(resideInAPackage("io.sluice.gateway..")
				.and(not(resideInAnyPackage("io.sluice.gateway.pubsub..", "io.sluice.gateway.session..",
						"io.sluice.gateway.transport.."))))
			.because("subscriptions are shared by the topics and built on the session alone")
			.check(SLUICE);
	}

	@Test
	void recordApiKnowsNoImplementation() {
		noClasses().that()
			.resideInAPackage("io.sluice.record")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.sluice.record.*..")
			.because("callers of RecordService see the API only, whichever implementation serves it")
			.check(SLUICE);
	}

	@Test
	void recordChangeFeedKnowsNoWritePath() {
		noClasses().that()
			.resideInAPackage("io.sluice.record.feed..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.sluice.record.write..", "io.sluice.record.remote..", "io.sluice.record.api..")
			.check(SLUICE);
	}

}
