package io.sluice.gateway.app;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.type.classreading.SimpleMetadataReaderFactory;

import static org.assertj.core.api.Assertions.assertThat;

class StartConditionsTests {

	private static final List<String> NAMES = List.of("sluice.queue.type", "sluice.records.mode");

	@Test
	void theEnvironmentItWasRecordedFromHasNoDifference() {
		StandardEnvironment built = environment(Map.of("sluice.queue.type", "file",
				"management.endpoints.web.exposure.include", "health,info"));
		StartConditions conditions = StartConditions.of(built, NAMES);

		assertThat(conditions.differenceFrom(environment(Map.of("sluice.queue.type", "file",
				"management.endpoints.web.exposure.include", "health,info", "server.port", "7000"))))
			.as("a property no condition reads changes nothing")
			.isEmpty();
	}

	@Test
	void aPropertyAConditionReadsThatChangedOrAppearedIsADifference() {
		StartConditions conditions = StartConditions.of(environment(Map.of("sluice.queue.type", "file")), NAMES);

		assertThat(conditions.differenceFrom(environment(Map.of("sluice.queue.type", "kafka"))))
			.hasValue("sluice.queue.type is 'kafka', the build processed 'file'");
		assertThat(conditions.differenceFrom(environment(Map.of("sluice.queue.type", "file",
				"sluice.records.mode", "remote"))))
			.hasValue("sluice.records.mode is 'remote', the build processed it not set");
		assertThat(conditions.differenceFrom(environment(Map.of())))
			.hasValue("sluice.queue.type is not set, the build processed 'file'");
	}

	@Test
	void anyPropertyUnderARecordedPrefixThatTheBuildDidNotHaveIsADifference() {
		StartConditions conditions = StartConditions.of(environment(Map.of()), NAMES);

		assertThat(conditions.differenceFrom(environment(Map.of("management.endpoint.prometheus.access", "read-only"))))
			.hasValue("management.endpoint.prometheus.access is 'read-only', the build processed it not set");
		assertThat(conditions.differenceFrom(environment(Map.of("spring.main.web-application-type", "none"))))
			.hasValue("spring.main.web-application-type is 'none', the build processed it not set");
	}

	@Test
	void anotherDatabaseFileIsNoDifferenceButADatabasePooledByItsUrlIs() {
		StartConditions conditions = StartConditions.of(
				environment(Map.of("spring.r2dbc.url", "r2dbc:h2:file:///./data/sluice")),
				List.of("spring.r2dbc.url"));

		assertThat(conditions.differenceFrom(environment(Map.of("spring.r2dbc.url", "r2dbc:h2:file:///tmp/other"))))
			.isEmpty();
		assertThat(conditions.differenceFrom(environment(Map.of("spring.r2dbc.url", "r2dbc:pool:h2:mem:///x"))))
			.hasValue("'spring.r2dbc.url names a pool' is true, the build processed the opposite");
		assertThat(conditions.differenceFrom(environment(Map.of())))
			.hasValue("'spring.r2dbc.url is set' is false, the build processed the opposite");
	}

	@Test
	void anotherActiveProfileIsADifference() {
		StartConditions conditions = StartConditions.of(environment(Map.of()), NAMES);
		StandardEnvironment withProfile = environment(Map.of());
		withProfile.setActiveProfiles("cluster");

		assertThat(conditions.differenceFrom(withProfile))
			.hasValue("the active profiles are [cluster], the build processed []");
	}

	@Test
	void aCloudPlatformIsADifference() {
		StartConditions conditions = StartConditions.of(environment(Map.of()), NAMES);

		assertThat(conditions.differenceFrom(environment(Map.of("spring.main.cloud-platform", "kubernetes"))))
			.hasValue("the cloud platform is KUBERNETES, the build processed none");
	}

	@Test
	void writtenAndReadBackTheConditionsAreTheSame() throws Exception {
		StandardEnvironment built = environment(Map.of("sluice.queue.type", "file", "springdoc.api-docs.path",
				"/api/v1/openapi.json"));
		built.setActiveProfiles("a", "b");
		StartConditions conditions = StartConditions.of(built, NAMES);

		StartConditions read = StartConditions.read(
				new ByteArrayInputStream(conditions.write().getBytes(StandardCharsets.ISO_8859_1)));

		assertThat(read).isEqualTo(conditions);
		assertThat(read.properties()).containsEntry("sluice.records.mode", null)
			.containsEntry("springdoc.api-docs.path", "/api/v1/openapi.json");
		assertThat(read.differenceFrom(built)).isEmpty();
	}

	@Test
	void theRecorderFindsThePropertiesOfClassMethodAndNestedConditions() {
		SimpleMetadataReaderFactory readers = new SimpleMetadataReaderFactory(getClass().getClassLoader());

		assertThat(StartConditionsRecorder.propertiesRead(Sample.class.getName(), readers))
			.containsExactlyInAnyOrder("sample.type", "sample.other.enabled", "sample.first", "sample.second");
		assertThat(StartConditionsRecorder.propertiesRead(Sample.class.getName() + "#bean", readers))
			.containsExactly("sample.bean.enabled");
	}

	private static StandardEnvironment environment(Map<String, Object> properties) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
		environment.getPropertySources().remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
		environment.getPropertySources().addFirst(new MapPropertySource("test", properties));
		return environment;
	}

	@ConditionalOnProperty(prefix = "sample", name = "type", havingValue = "x")
	@ConditionalOnBooleanProperty("sample.other.enabled")
	@Conditional(SampleNested.class)
	static class Sample {

		@Bean
		@ConditionalOnProperty("sample.bean.enabled")
		Object bean() {
			return new Object();
		}

	}

	static class SampleNested extends AnyNestedCondition {

		SampleNested() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnProperty("sample.first")
		static class First {

		}

		@ConditionalOnProperty(prefix = "sample.", name = "second")
		static class Second {

		}

	}

}
