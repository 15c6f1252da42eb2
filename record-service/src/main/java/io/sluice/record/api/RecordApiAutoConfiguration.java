package io.sluice.record.api;

import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;

import io.sluice.record.RecordService;
import io.sluice.record.write.RecordServiceProperties;

/**
 * Serves this process's record service over the internal records API when {@code sluice.records.api.enabled} is
 * set, as a record-service deployable does.
 */
@AutoConfiguration(afterName = "io.sluice.record.write.RecordServiceAutoConfiguration")
@ConditionalOnProperty(name = "sluice.records.api.enabled", havingValue = "true")
@EnableConfigurationProperties({ RecordApiProperties.class, RecordServiceProperties.class })
public final class RecordApiAutoConfiguration {

	@Bean
	@ConditionalOnBean(RecordService.class)
	RecordApiServer recordApiServer(RecordService records, RecordApiProperties properties,
			RecordServiceProperties recordProperties, ObjectProvider<SslBundles> sslBundles) {
		if (recordProperties.mode() == RecordServiceProperties.Mode.REMOTE) {
			throw new IllegalStateException("sluice.records.api.enabled serves this process's own records, but "
					+ "sluice.records.mode=remote says they live elsewhere: set one or the other");
		}
		RecordApiProperties.Ssl ssl = properties.ssl();
		SslContext tls = (ssl.bundle() != null) ? RecordApiTls.server(sslBundles.getIfAvailable(), ssl.bundle(),
				ssl.clientAuth(), "sluice.records.api.ssl.bundle") : null;
		return new RecordApiServer(records, properties, tls);
	}

}
