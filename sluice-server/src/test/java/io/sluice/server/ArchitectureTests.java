package io.sluice.server;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** The services know the connector ports only; technologies arrive through starters at run time. */
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

}
