package io.sluice.record.remote;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;

import io.sluice.connector.MessageBus;
import io.sluice.record.RecordService;
import io.sluice.record.api.RecordApiTls;
import io.sluice.record.feed.RecordChanges;

/**
 * With {@code sluice.records.mode=remote}, the {@link RecordService} is a client of record-service instances
 * elsewhere ({@code sluice.records.remote.*}), and changes come from the message bus.
 */
@AutoConfiguration(beforeName = "io.sluice.record.write.RecordServiceAutoConfiguration",
		afterName = { "io.sluice.connector.memory.MemoryConnectorAutoConfiguration",
				"io.sluice.connector.kafka.KafkaConnectorAutoConfiguration",
				"io.sluice.connector.redis.RedisConnectorAutoConfiguration" })
@ConditionalOnProperty(name = "sluice.records.mode", havingValue = "remote")
@EnableConfigurationProperties(RemoteRecordServiceProperties.class)
public final class RemoteRecordServiceAutoConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(RemoteRecordServiceAutoConfiguration.class);

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean(RecordService.class)
	@ConditionalOnBean(MessageBus.class)
	RemoteRecordService recordService(MessageBus bus, RemoteRecordServiceProperties properties,
			ObjectProvider<SslBundles> sslBundles) {
		RemoteRecordServiceProperties.Ssl ssl = properties.ssl();
		SslContext tls = (ssl.bundle() != null)
				? RecordApiTls.client(sslBundles.getIfAvailable(), ssl.bundle(), "sluice.records.remote.ssl.bundle")
				: null;
		RecordInstances instances = new RecordInstances(properties.instances(), properties.dnsName(),
				properties.dnsPort(), RemoteRecordService.connector((int) properties.maxMessageSize().toBytes(), tls,
						ssl.authority()));
		instances.start(properties.probeInterval(), properties.probeTimeout(), properties.dnsInterval());
		logger.info("Records: remote, on record-service instances {}{} over {}, changes through bus {}",
				properties.instances(),
				(properties.dnsName() != null) ? " and those DNS name '" + properties.dnsName() + "' resolves to" : "",
				(tls != null) ? "TLS (SSL bundle '" + ssl.bundle() + "')" : "plaintext", bus.getClass().getSimpleName());
		return new RemoteRecordService(instances, RecordChanges.fromBus(bus), properties.callTimeout());
	}

}
